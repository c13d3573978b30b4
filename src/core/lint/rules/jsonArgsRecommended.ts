import { buildkitRule, type Rule } from '../rule';
import { plainWords } from '../words';

export const jsonArgsRecommended: Rule = {
  meta: buildkitRule(
    'JSONArgsRecommended',
    'JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals',
  ),
  check(model, report) {
    const shellInStage = new Set<number>();
    for (const stage of model.stages) {
      // An explicit SHELL (here or in a parent stage) says the shell is wanted, which BuildKit accepts.
      let shell = stage.parent !== undefined && shellInStage.has(stage.parent);
      for (const ins of stage.body) {
        const kw = model.kw(ins);
        if (kw === 'SHELL') {
          shell = true;
          continue;
        }
        if ((kw !== 'CMD' && kw !== 'ENTRYPOINT') || shell) continue;
        const a = model.argsOf(ins);
        if (!a) continue;
        const { range, text: args } = a;
        if (isJsonArray(model.source.logicalArgs(ins) ?? args)) continue;
        const words = range.start.line === range.end.line ? plainWords(args) : undefined;
        report(
          range,
          `JSON arguments recommended for ${kw} to prevent unintended behavior related to OS signals`,
          words && {
            title: 'Convert to exec form (JSON array)',
            edits: [{ range, newText: `[${words.map((w) => JSON.stringify(w)).join(', ')}]` }],
          },
        );
      }
      if (shell) shellInStage.add(stage.index);
    }
  },
};

function isJsonArray(text: string): boolean {
  const t = text.trim();
  if (!t.startsWith('[')) return false;
  try {
    const v: unknown = JSON.parse(t);
    return Array.isArray(v) && v.every((x) => typeof x === 'string');
  } catch {
    return false;
  }
}
