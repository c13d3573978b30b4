import { Keyword } from 'dockerfile-ast';
import type { LintModel } from './model';
import { projectRule } from './rule';
import { suggestName } from './suggest';
import type { LintDiagnostic } from './types';

/** What makes BuildKit refuse the file before any check runs; never skipped by `# check=`. */
export const PARSE_ERROR_RULE = projectRule('ParseError', 'BuildKit cannot parse this file as a Dockerfile', 'error');

const KEYWORDS = Object.values(Keyword) as string[];
const KEYWORD_SET = new Set(KEYWORDS);
const LOWER_KEYWORDS = KEYWORDS.map((k) => k.toLowerCase());

/** True for text that is not a text file at all (a NUL byte never occurs in a Dockerfile). */
export function looksBinary(text: string): boolean {
  return text.includes('\u0000');
}

export function parseErrors(model: LintModel): LintDiagnostic[] {
  const error = (range: LintDiagnostic['range'], message: string): LintDiagnostic => ({
    rule: PARSE_ERROR_RULE.name,
    message,
    severity: 'error',
    range,
    url: PARSE_ERROR_RULE.url,
  });
  if (looksBinary(model.text)) {
    return [
      error(
        { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        'this is not a Dockerfile: it holds binary data (NUL bytes); open the Dockerfile itself',
      ),
    ];
  }
  const out: LintDiagnostic[] = [];
  for (const ins of model.instructions) {
    const kw = model.kw(ins);
    if (KEYWORD_SET.has(kw)) continue;
    const written = ins.getInstruction();
    // BuildKit suggests an instruction case-insensitively and answers in the case it was written in.
    const match = suggestName(written.toLowerCase(), LOWER_KEYWORDS);
    const hint = match ? ` (did you mean ${written === written.toUpperCase() ? match.toUpperCase() : match}?)` : '';
    out.push(error(ins.getInstructionRange(), `unknown instruction: ${written}${hint}`));
  }
  return out;
}
