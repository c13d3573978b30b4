import { Copy, Run, type Instruction } from 'dockerfile-ast';
import { LineIndex } from './text';
import type { Range } from './types';

/** An instruction's argument text (everything after the keyword) and where it is. */
export interface ArgsText {
  text: string;
  range: Range;
}

/**
 * The text side of a parsed Dockerfile: offsets ↔ positions, the heredoc bodies that fixes must never
 * enter, and each instruction's argument text. No Dockerfile semantics beyond where things are.
 */
export class TextIndex {
  readonly lines: LineIndex;
  /** Sorted, disjoint [startOffset, endOffset) spans of heredoc bodies and terminators. */
  readonly heredocSpans: Array<[number, number]> = [];
  private heredocLineSet?: Set<number>;
  private readonly argsTextCache = new Map<Instruction, ArgsText | null>();

  constructor(
    readonly text: string,
    readonly escape: string,
  ) {
    this.lines = new LineIndex(text);
  }

  /** Records the heredoc bodies of RUN and COPY (dockerfile-ast 0.7 reads no ADD heredocs); called once, after parsing. */
  indexHeredocs(instructions: readonly Instruction[]): void {
    if (!this.text.includes('<<')) return;
    for (const ins of instructions) {
      if (!(ins instanceof Run || ins instanceof Copy)) continue;
      const r = ins.getRange();
      if (r.start.line === r.end.line || !this.argsOf(ins)?.text.includes('<<')) continue;
      for (const h of ins.getHeredocs()) {
        const content = h.getContentRange();
        const delim = h.getDelimiterRange();
        const startLine = content?.start.line ?? delim?.start.line;
        if (startLine === undefined) continue;
        const start = this.lines.starts[startLine];
        const endPos = delim?.end ?? content?.end;
        const end = endPos ? this.lines.lineEnd(endPos.line) : this.text.length;
        this.heredocSpans.push([start, end]);
      }
    }
    this.heredocSpans.sort((a, b) => a[0] - b[0]);
  }

  /** The instruction's argument text and its range: everything after the keyword (cheaper than getArgumentsRange). */
  argsOf(ins: Instruction): ArgsText | undefined {
    let a = this.argsTextCache.get(ins);
    if (a === undefined) this.argsTextCache.set(ins, (a = this.computeArgsOf(ins) ?? null));
    return a ?? undefined;
  }

  private computeArgsOf(ins: Instruction): ArgsText | undefined {
    const kwEnd = ins.getInstructionRange().end;
    const rangeEnd = ins.getRange().end;
    const start = this.lines.offsetAt(kwEnd);
    const end = this.lines.offsetAt(rangeEnd);
    let s = start;
    const t = this.text;
    while (s < end && (t[s] === ' ' || t[s] === '\t')) s++;
    if (s >= end) return undefined;
    // Blanks never cross a line, so the start stays on the keyword's line unless a continuation follows it.
    const startPos =
      t[s] === '\n' || t[s] === '\r' || t[s] === this.escape
        ? this.lines.positionAt(s)
        : { line: kwEnd.line, character: kwEnd.character + (s - start) };
    return { text: t.slice(s, end), range: { start: startPos, end: rangeEnd } };
  }

  /**
   * The argument text as BuildKit reads it: continued lines joined (the escape character and line break
   * removed), comment and empty lines inside the instruction dropped.
   */
  logicalArgs(ins: Instruction): string | undefined {
    const a = this.argsOf(ins);
    if (!a || a.range.start.line === a.range.end.line) return a?.text;
    const lines = a.text.split(/\r\n|\r|\n/);
    const kept = lines.filter((l, i) => i === 0 || (l.trim() !== '' && !l.trimStart().startsWith('#')));
    const continued = new RegExp(`${escapeRegExp(this.escape)}[ \\t]*$`);
    return kept.map((l) => l.replace(continued, '')).join('');
  }

  /** Whether an offset lies in a heredoc body (binary search over the sorted spans). */
  inHeredoc(offset: number): boolean {
    let lo = 0;
    let hi = this.heredocSpans.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [s, e] = this.heredocSpans[mid];
      if (offset < s) hi = mid - 1;
      else if (offset >= e) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** Lines that belong to heredoc bodies (including the terminator). */
  get heredocLines(): Set<number> {
    if (!this.heredocLineSet) {
      const set = new Set<number>();
      for (const [s, e] of this.heredocSpans) {
        const a = this.lines.positionAt(s).line;
        const b = this.lines.positionAt(e).line;
        for (let l = a; l <= b; l++) set.add(l);
      }
      this.heredocLineSet = set;
    }
    return this.heredocLineSet;
  }

  rangeText(r: Range): string {
    return this.text.slice(this.lines.offsetAt(r.start), this.lines.offsetAt(r.end));
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
