import type { LintModel, Stage } from './model';
import type { TextEdit } from './types';

/** The line where an ARG or ENV of `stage` first declares each name. */
export function firstDeclarations(model: LintModel, stage: Stage): Map<string, number> {
  const out = new Map<string, number>();
  for (const ins of stage.body) {
    const names = model.declared(ins);
    if (!names.length) continue;
    const line = ins.getRange().start.line;
    for (const name of names) if (!out.has(name)) out.set(name, line);
  }
  return out;
}

export function declaredBefore(decls: Map<string, number>, name: string, line: number): boolean {
  const at = decls.get(name);
  return at !== undefined && at < line;
}

/** An edit that declares `names` right after the stage's FROM, in the FROM's keyword case. */
export function declareArgsEdit(model: LintModel, stage: Stage, names: string[]): TextEdit {
  const end = stage.from.getRange().end;
  const arg = model.keywordLike(stage.from, 'ARG');
  return { range: { start: end, end }, newText: names.map((n) => `${model.index.eol}${arg} ${n}`).join('') };
}
