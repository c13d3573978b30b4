import { From } from 'dockerfile-ast';
import { buildkitRule, type Rule } from '../rule';
import type { LintModel } from '../model';
import type { TextEdit } from '../types';

export const stageNameCasing: Rule = {
  meta: buildkitRule('StageNameCasing', 'Stage names should be lowercase'),
  check(model, report) {
    let references: Map<string, TextEdit[]> | undefined;
    for (const stage of model.stages) {
      if (!stage.name || !stage.nameRange || stage.name === stage.name.toLowerCase()) continue;
      const lower = stage.name.toLowerCase();
      references ??= stageReferenceEdits(model);
      const edits: TextEdit[] = [{ range: stage.nameRange, newText: lower }, ...(references.get(lower) ?? [])];
      report(stage.nameRange, `Stage name '${stage.name}' should be lowercase`, {
        title: `Rename stage '${stage.name}' to '${lower}' (and its references)`,
        edits,
      });
    }
  },
};

/**
 * Every place that names a stage (`FROM stage`, `COPY --from=stage`, `RUN --mount=…,from=stage`) with
 * capitals, as edits to lowercase, grouped by the lowercase name. One pass for all stages.
 */
export function stageReferenceEdits(model: LintModel): Map<string, TextEdit[]> {
  const byName = new Map<string, TextEdit[]>();
  const add = (value: string | null, range: import('../types').Range | null) => {
    if (!value || !range) return;
    const lower = value.toLowerCase();
    if (lower === value) return;
    const list = byName.get(lower) ?? [];
    list.push({ range, newText: lower });
    byName.set(lower, list);
  };
  model.instructions.forEach((ins, i) => {
    const kw = model.keywords[i];
    if (ins instanceof From) {
      const image = model.args(ins)[0];
      if (image) add(image.getValue(), image.getRange());
      return;
    }
    if (kw !== 'COPY' && kw !== 'RUN' && kw !== 'ADD') return;
    const flags = model.flags(ins);
    for (const flag of flags) {
      const name = flag.getName().toLowerCase();
      if (name === 'from') add(flag.getValue(), flag.getValueRange());
      else if (name === 'mount') {
        for (const opt of flag.getOptions()) if (opt.getName().toLowerCase() === 'from') add(opt.getValue(), opt.getValueRange());
      }
    }
  });
  return byName;
}
