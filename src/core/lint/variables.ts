import { PropertyInstruction, type Instruction } from 'dockerfile-ast';
import type { LineIndex } from './text';
import type { Position, Range } from './types';

export interface VariableUse {
  name: string;
  /** Range of the name itself (without `$`, braces or modifier). */
  range: Range;
  /** `${NAME:-x}`, `${NAME+x}`, …: the author handles the unset case. */
  modified: boolean;
}

/**
 * Finds `$NAME` and `${NAME…}` the way the Dockerfile word lexer expands them: not after the escape
 * character and not inside single quotes. One linear scan; far cheaper than re-tokenising per rule.
 */
export function scanVariables(
  index: LineIndex,
  {
    start,
    end,
    escape,
    skip,
  }: { start: number; end: number; escape: string; skip?: ((offset: number) => boolean) | undefined },
): VariableUse[] {
  const text = index.text;
  const out: VariableUse[] = [];
  let single = false;
  for (let i = start; i < end; i++) {
    const c = text[i];
    if (c === escape && !single) {
      i++;
      continue;
    }
    if (c === "'") {
      single = !single;
      continue;
    }
    if (c !== '$' || single) continue;
    if (skip?.(i)) continue;
    let nameStart = i + 1;
    const braced = text[nameStart] === '{';
    if (braced) nameStart++;
    let j = nameStart;
    while (j < end && /[A-Za-z0-9_]/.test(text[j])) j++;
    if (j === nameStart || /[0-9]/.test(text[nameStart])) continue;
    const name = text.slice(nameStart, j);
    const modified = braced && text[j] !== '}';
    out.push({ name, range: index.rangeOf(nameStart, j), modified });
    i = j - 1;
  }
  return out;
}

/** A name an ARG or ENV declares. */
export interface Declaration {
  name: string;
  /** The value as written (quotes and escapes kept), or undefined for `ARG NAME` without a default. */
  raw?: string;
  nameRange: Range;
}

/**
 * The one reader of ARG and ENV declarations: dockerfile-ast's properties, which split words the way the
 * Dockerfile parser does (quotes kept together, `ARG A B` as two names, legacy `ENV K v w`).
 */
export function readDeclarations(ins: Instruction): Declaration[] {
  if (!(ins instanceof PropertyInstruction)) return [];
  const kw = ins.getKeyword();
  if (kw !== 'ARG' && kw !== 'ENV') return [];
  return ins.getProperties().map((p) => {
    const raw = p.getUnescapedValue();
    return { name: p.getName(), nameRange: p.getNameRange(), ...(raw === null ? {} : { raw }) };
  });
}

/**
 * The same declarations read straight from a one-line argument text without quotes or escapes, the
 * common case, where dockerfile-ast's property parsing costs many times more; undefined otherwise.
 */
export function readPlainDeclarations(
  kw: string,
  { text, start }: { text: string; start: Position },
  escape: string,
): Declaration[] | undefined {
  if (/["'\n\r]/.test(text) || text.includes(escape)) return undefined;
  const line = start.line;
  const at = (index: number, length: number): Range => ({
    start: { line, character: start.character + index },
    end: { line, character: start.character + index + length },
  });
  const out: Declaration[] = [];
  WORD.lastIndex = 0;
  for (let w = WORD.exec(text); w; w = WORD.exec(text)) {
    const word = w[0];
    if (kw === 'ENV' && !out.length && !word.includes('=')) {
      // Legacy `ENV NAME value with spaces`: one name, the rest is its value.
      const next = WORD.exec(text);
      WORD.lastIndex = 0;
      return [
        { name: word, nameRange: at(w.index, word.length), ...(next ? { raw: text.slice(next.index).trimEnd() } : {}) },
      ];
    }
    const eq = word.indexOf('=');
    const name = eq < 0 ? word : word.slice(0, eq);
    out.push(
      eq < 0
        ? { name, nameRange: at(w.index, name.length) }
        : { name, nameRange: at(w.index, name.length), raw: word.slice(eq + 1) },
    );
  }
  return out;
}

const WORD = /\S+/g;
