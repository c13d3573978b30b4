import { From } from 'dockerfile-ast';
import { buildkitRule, type Rule } from '../rule';
import type { LintModel } from '../model';
import type { TextEdit } from '../types';

export const stageNameCasing: Rule = {
  meta: buildkitRule('StageNameCasing', 'Stage names should be lowercase'),
  check(model, report) {
    for (const stage of model.stages) {
      if (!stage.name || !stage.nameRange || stage.name === stage.name.toLowerCase()) continue;
      const lower = stage.name.toLowerCase();
      const edits: TextEdit[] = [{ range: stage.nameRange, newText: lower }, ...stageReferenceEdits(model, lower)];
      report(stage.nameRange, `Stage name '${stage.name}' should be lowercase`, {
        title: `Rename stage '${stage.name}' to '${lower}' (and its references)`,
        edits,
      });
    }
  },
};

/** Every place that names a stage (`FROM stage`, `COPY --from=stage`, `RUN --mount=…,from=stage`), rewritten to `lower`. */
export function stageReferenceEdits(model: LintModel, lower: string): TextEdit[] {
  const edits: TextEdit[] = [];
  model.instructions.forEach((ins, i) => {
    const kw = model.keywords[i];
    if (ins instanceof From) {
      const image = ins.getArguments()[0];
      if (image && image.getValue().toLowerCase() === lower && image.getValue() !== lower) {
        edits.push({ range: image.getRange(), newText: lower });
      }
      return;
    }
    if (kw !== 'COPY' && kw !== 'RUN' && kw !== 'ADD') return;
    const flags = (ins as unknown as { getFlags?: () => import('dockerfile-ast').Flag[] }).getFlags?.call(ins) ?? [];
    for (const flag of flags) {
      const name = flag.getName().toLowerCase();
      if (name === 'from') {
        const v = flag.getValue();
        const r = flag.getValueRange();
        if (v && r && v.toLowerCase() === lower && v !== lower) edits.push({ range: r, newText: lower });
      } else if (name === 'mount') {
        for (const opt of flag.getOptions()) {
          const v = opt.getValue();
          const r = opt.getValueRange();
          if (opt.getName().toLowerCase() === 'from' && v && r && v.toLowerCase() === lower && v !== lower) {
            edits.push({ range: r, newText: lower });
          }
        }
      }
    }
  });
  return edits;
}
