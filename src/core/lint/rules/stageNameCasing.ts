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
  model.ofKind('FROM', 'COPY', 'RUN', 'ADD').forEach((ins) => {
    const kw = model.kw(ins);
    if (ins instanceof From) {
      const image = model.args(ins)[0];
      if (image) add(image.getValue(), image.getRange());
      return;
    }
    if (kw !== 'COPY' && kw !== 'RUN' && kw !== 'ADD') return;
    // Only instructions that can name a stage pay for flag parsing.
    const a = model.argsOf(ins);
    if (!a || !/from=/i.test(a.text)) return;
    if (a.range.start.line === a.range.end.line && !/["'\\`]/.test(a.text)) {
      // One plain line: read `--from=x` and `--mount=…,from=x` straight from the text.
      for (const m of a.text.matchAll(/(?:^|\s)--(from|mount)=(\S*)/gi)) {
        const flagValueAt = a.range.start.character + m.index + m[0].length - m[2].length;
        if (m[1].toLowerCase() === 'from') {
          add(m[2], {
            start: { line: a.range.start.line, character: flagValueAt },
            end: { line: a.range.start.line, character: flagValueAt + m[2].length },
          });
          continue;
        }
        let at = flagValueAt;
        for (const opt of m[2].split(',')) {
          const eq = opt.indexOf('=');
          if (eq > 0 && opt.slice(0, eq).toLowerCase() === 'from') {
            const v = opt.slice(eq + 1);
            add(v, {
              start: { line: a.range.start.line, character: at + eq + 1 },
              end: { line: a.range.start.line, character: at + eq + 1 + v.length },
            });
          }
          at += opt.length + 1;
        }
      }
      return;
    }
    const flags = model.flags(ins);
    for (const flag of flags) {
      const name = flag.getName().toLowerCase();
      if (name === 'from') add(flag.getValue(), flag.getValueRange());
      else if (name === 'mount') {
        for (const opt of flag.getOptions())
          if (opt.getName().toLowerCase() === 'from') add(opt.getValue(), opt.getValueRange());
      }
    }
  });
  return byName;
}
