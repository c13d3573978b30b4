import { lintDockerfile } from './lint';
import { PARSE_ERROR_RULE } from './parseErrors';
import { BOM, LineIndex } from './text';
import type { Fix, LintContext, LintOptions, TextEdit } from './types';

interface OffsetEdit {
  start: number;
  end: number;
  text: string;
}

export interface ApplyResult {
  text: string;
  /** Fixes applied; a fix that overlaps an earlier one or a heredoc body is skipped whole. */
  applied: number;
}

/**
 * Applies whole fixes to `text` (which may start with a BOM; edit positions never count it). Edits of one
 * fix go in together or not at all, never overlap an earlier fix, never touch a heredoc span, and have their
 * line breaks converted to the document's own. Everything outside the edited ranges stays byte for byte.
 */
export function applyFixes(text: string, fixes: Fix[], protectedSpans: Array<[number, number]> = []): ApplyResult {
  const bom = text.startsWith(BOM) ? BOM : '';
  const body = bom ? text.slice(1) : text;
  const index = new LineIndex(body);
  const accepted = new AcceptedEdits();
  let applied = 0;
  for (const fix of fixes) {
    const edits = fix.edits.map((e) => toOffsets(index, e));
    const fresh = edits.filter((e) => !accepted.covers(e));
    const ok = fresh.every(
      (e, i) =>
        !touchesProtected(protectedSpans, e) &&
        !accepted.overlaps(e) &&
        !fresh.some((o, j) => j !== i && overlaps(o, e)),
    );
    if (!ok) continue;
    for (const e of fresh) accepted.add(e);
    applied++;
  }
  let out = '';
  let at = 0;
  for (const e of accepted.sorted) {
    out += body.slice(at, e.start) + e.text;
    at = e.end;
  }
  out += body.slice(at);
  return { text: bom + out, applied };
}

/** Accepted edits kept sorted by position, so each check looks only at neighbours (fix-all on big files stays linear-ish). */
class AcceptedEdits {
  readonly sorted: OffsetEdit[] = [];

  private lowerBound(start: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid].start < start) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Edits that could overlap or coincide with [start, end]. */
  private near(e: OffsetEdit): OffsetEdit[] {
    const out: OffsetEdit[] = [];
    let i = this.lowerBound(e.start);
    // Accepted edits never overlap each other, so only the closest one before can reach into e.
    for (let j = i - 1; j >= 0; j--) {
      out.push(this.sorted[j]);
      if (this.sorted[j].start !== this.sorted[j].end) break;
    }
    for (; i < this.sorted.length && this.sorted[i].start <= e.end; i++) out.push(this.sorted[i]);
    return out;
  }

  covers(e: OffsetEdit): boolean {
    return this.near(e).some((a) => same(a, e) || subsumes(a, e));
  }

  overlaps(e: OffsetEdit): boolean {
    return this.near(e).some((a) => overlaps(a, e));
  }

  add(e: OffsetEdit): void {
    let i = this.lowerBound(e.start);
    while (i < this.sorted.length && this.sorted[i].start === e.start && this.sorted[i].end <= e.end) i++;
    this.sorted.splice(i, 0, e);
  }
}

function touchesProtected(spans: Array<[number, number]>, e: OffsetEdit): boolean {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [s, end] = spans[mid];
    if (e.start < end && (e.end > s || (e.start === e.end && e.start > s))) return true;
    if (e.start >= end) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

export function applyEdits(text: string, edits: TextEdit[]): string {
  return applyFixes(
    text,
    edits.map((e) => ({ title: '', edits: [e] })),
  ).text;
}

function toOffsets(index: LineIndex, e: TextEdit): OffsetEdit {
  const start = index.offsetAt(e.range.start);
  const end = Math.max(start, index.offsetAt(e.range.end));
  return { start, end, text: e.newText.replace(/\r\n|\r|\n/g, index.eol) };
}

function same(a: OffsetEdit, b: OffsetEdit): boolean {
  return a.start === b.start && a.end === b.end && a.text === b.text;
}

/**
 * An insert already made at the same point that already adds every line this one adds: two fixes that
 * each declare what they need after a FROM must not declare it twice.
 */
function subsumes(a: OffsetEdit, b: OffsetEdit): boolean {
  if (a.start !== a.end || b.start !== b.end || a.start !== b.start) return false;
  const lines = (t: string) => t.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '');
  const have = new Set(lines(a.text));
  const want = lines(b.text);
  return want.length > 0 && want.every((l) => have.has(l));
}

/** Two inserts at one point do not overlap; an insert strictly inside a replaced range does. */
function overlaps(a: OffsetEdit, b: OffsetEdit): boolean {
  if (a.start === a.end && b.start === b.end) return false;
  if (a.start === a.end) return a.start > b.start && a.start < b.end;
  if (b.start === b.end) return b.start > a.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

export interface FixAllOptions extends LintOptions {
  /** Only fix these rules. */
  only?: string[];
}

export interface FixAllResult {
  text: string;
  applied: number;
  passes: number;
}

/** Applies every available fix, re-linting between passes until nothing fixable is left. */
export function fixAll(text: string, context: LintContext = {}, options: FixAllOptions = {}): FixAllResult {
  let current = text;
  let applied = 0;
  let passes = 0;
  for (; passes < 10; passes++) {
    const { diagnostics, model } = lintDockerfile(current, context, options);
    // A file BuildKit cannot parse is not ours to rewrite: the guess about what it means could be wrong.
    if (diagnostics.some((d) => d.rule === PARSE_ERROR_RULE.name)) break;
    const fixes = diagnostics
      .filter((d) => d.fix && (!options.only || options.only.includes(d.rule)))
      .map((d) => d.fix!);
    if (!fixes.length) break;
    const result = applyFixes(current, fixes, model.heredocSpans);
    if (!result.applied || result.text === current) break;
    current = result.text;
    applied += result.applied;
  }
  return { text: current, applied, passes };
}
