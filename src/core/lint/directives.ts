import type { LineIndex } from './text';
import type { Range } from './types';

/**
 * Parser directives as BuildKit reads them: only at the very top, `#` at column 0, one of syntax/escape/check,
 * each at most once. The first line that is not such a directive ends the block for good (a comment, a blank
 * line, an unknown directive, an instruction). A leading `#!` shebang line is skipped.
 */
export interface Directive {
  name: string;
  value: string;
  line: number;
  valueRange: Range;
}

export interface DirectiveBlock {
  directives: Directive[];
  /** Line where a new directive may be inserted without leaving the block. */
  insertLine: number;
  /** A second directive of the same name: BuildKit refuses the Dockerfile. */
  duplicate?: Directive;
}

const KNOWN = new Set(['syntax', 'escape', 'check']);
const DIRECTIVE = /^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$/;

export function parseDirectiveBlock(index: LineIndex): DirectiveBlock {
  const directives: Directive[] = [];
  const seen = new Set<string>();
  let line = 0;
  if (index.lineText(0).startsWith('#!')) line = 1;
  let insertLine = line;
  for (; line < index.lineCount; line++) {
    const raw = index.lineText(line);
    if (!raw.startsWith('#')) break;
    const afterHash = raw.slice(1);
    const rest = afterHash.replace(/^\s+/, '');
    const m = DIRECTIVE.exec(rest);
    if (!m) break;
    const name = m[1].toLowerCase();
    if (!KNOWN.has(name)) break;
    const eq = rest.indexOf('=');
    const valueStart =
      1 + (afterHash.length - rest.length) + eq + 1 + (/^[\t\n\f\r ]*/.exec(rest.slice(eq + 1))?.[0].length ?? 0);
    const d: Directive = {
      name,
      value: m[2],
      line,
      valueRange: { start: { line, character: valueStart }, end: { line, character: valueStart + m[2].length } },
    };
    if (seen.has(name)) return { directives, insertLine, duplicate: d };
    seen.add(name);
    directives.push(d);
    insertLine = line + 1;
  }
  return { directives, insertLine };
}

export interface CheckConfig {
  skipAll: boolean;
  skip: Set<string>;
  experimentalAll: boolean;
  experimental: Set<string>;
  error: boolean;
  /** Set when BuildKit would reject the directive; the build fails with this message. */
  problem?: string;
}

const GO_BOOLS: Record<string, boolean> = {
  '1': true,
  t: true,
  T: true,
  TRUE: true,
  true: true,
  True: true,
  '0': false,
  f: false,
  F: false,
  FALSE: false,
  false: false,
  False: false,
};

/** Reads a `check` directive value the way BuildKit's ParseLintOptions does. */
export function parseCheckValue(value: string | undefined): CheckConfig {
  const cfg: CheckConfig = {
    skipAll: false,
    skip: new Set(),
    experimentalAll: false,
    experimental: new Set(),
    error: false,
  };
  const text = (value ?? '').trim();
  if (!text) return cfg;
  // BuildKit splits into at most three parts; anything after the second ';' stays in the third.
  const parts = splitN(text, ';', 3);
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq < 0) return { ...cfg, problem: `invalid check option "${part}"` };
    const key = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (key === 'skip') {
      if (v === 'all') cfg.skipAll = true;
      else cfg.skip = new Set(v.split(',').map((r) => r.trim()));
    } else if (key === 'experimental') {
      if (v === 'all') cfg.experimentalAll = true;
      else cfg.experimental = new Set(v.split(',').map((r) => r.trim()));
    } else if (key === 'error') {
      if (!(v in GO_BOOLS)) return { ...cfg, problem: `failed to parse check option "${part}": invalid syntax` };
      cfg.error = GO_BOOLS[v];
    } else {
      return { ...cfg, problem: `invalid check option "${key}"` };
    }
  }
  return cfg;
}

function splitN(s: string, sep: string, n: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (out.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    out.push(rest.slice(0, i));
    rest = rest.slice(i + 1);
  }
  out.push(rest);
  return out;
}
