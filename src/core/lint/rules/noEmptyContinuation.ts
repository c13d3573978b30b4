import { buildkitRule, type Rule } from '../rule';
import type { TextEdit } from '../types';

export const noEmptyContinuation: Rule = {
  meta: buildkitRule('NoEmptyContinuation', 'Empty continuation lines will become errors in a future release'),
  check(model, report) {
    const heredoc = model.heredocSpans.length ? model.heredocLines : undefined;
    for (const ins of model.instructions) {
      const r = ins.getRange();
      if (r.start.line === r.end.line) continue;
      const empty: number[] = [];
      for (let line = r.start.line + 1; line < r.end.line; line++) {
        if (heredoc?.has(line)) continue;
        if (blank(model.index.text, model.index.starts[line], model.index.lineEnd(line))) empty.push(line);
      }
      if (!empty.length) continue;
      const edits: TextEdit[] = empty.map((line) => ({
        range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } },
        newText: '',
      }));
      // BuildKit reports the line the instruction ends on (before any heredoc body).
      let last = r.end.line;
      while (last > r.start.line && heredoc?.has(last)) last--;
      report(
        { start: { line: last, character: 0 }, end: { line: last, character: model.index.lineText(last).length } },
        'Empty continuation line',
        {
          title: empty.length > 1 ? 'Remove the empty continuation lines' : 'Remove the empty continuation line',
          edits,
        },
      );
    }
  },
};

/** Whether text[start, end) holds only blanks (no substring made: most lines of a long RUN are not blank). */
function blank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 12 && c !== 11) return false;
  }
  return true;
}
