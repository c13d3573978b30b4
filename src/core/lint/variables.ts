import { PropertyInstruction, type Instruction } from 'dockerfile-ast';
import type { LineIndex } from './text';
import type { Range } from './types';

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
export function scanVariables(index: LineIndex, start: number, end: number, escape: string, skip?: (offset: number) => boolean): VariableUse[] {
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
