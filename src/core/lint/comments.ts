import type { Instruction } from 'dockerfile-ast';
import { parseCheckValue, type CheckConfig } from './directives';
import type { TextIndex } from './textIndex';

/** A comment line, as BuildKit keeps it: the text after `#`, trimmed. */
export interface Comment {
  text: string;
  line: number;
}

/**
 * The comments BuildKit attaches to each instruction (its parser's PrevComment): the comment lines since
 * the previous instruction. A bare `#` line starts the list afresh; blank lines do not. The parser
 * directives at the top of the file are not comments. Comments inside a continued instruction are dropped.
 */
export function precedingComments(
  source: TextIndex,
  instructions: readonly Instruction[],
  directiveLines: number,
): Map<Instruction, Comment[]> {
  const out = new Map<Instruction, Comment[]>();
  let from = directiveLines;
  for (const ins of instructions) {
    const r = ins.getRange();
    let comments: Comment[] = [];
    for (let line = from; line < r.start.line; line++) {
      if (source.heredocLines.has(line)) continue;
      const text = source.lines.lineText(line).trimStart();
      if (!text.startsWith('#')) continue;
      const body = text.slice(1).trim();
      if (body === '') comments = [];
      else comments.push({ text: body, line });
    }
    out.set(ins, comments);
    from = Math.max(from, r.end.line + 1);
  }
  return out;
}

const DIRECTIVE = /^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;

/**
 * The `# check=…` comment right above an instruction, which BuildKit merges into the file's settings for
 * that instruction only: the first comment that reads as a check directive counts, up to its first blank
 * (what follows is a remark); one that does not parse leaves the settings as they are.
 */
export function instructionCheck(comments: readonly Comment[]): CheckConfig | undefined {
  for (const c of comments) {
    const m = DIRECTIVE.exec(c.text);
    if (!m || m[1].toLowerCase() !== 'check') continue;
    const cfg = parseCheckValue(m[2].split(' ')[0]);
    return cfg.problem ? undefined : cfg;
  }
  return undefined;
}
