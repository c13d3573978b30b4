import type { Instruction } from 'dockerfile-ast';
import { buildkitRule, type Rule } from '../rule';

const SINGLE = ['CMD', 'ENTRYPOINT', 'HEALTHCHECK'];

export const multipleInstructionsDisallowed: Rule = {
  meta: buildkitRule(
    'MultipleInstructionsDisallowed',
    'Multiple instructions of the same type should not be used in the same stage',
  ),
  check(model, report) {
    for (const stage of model.stages) {
      const last = new Map<string, Instruction>();
      const all: Array<[string, Instruction]> = [];
      for (const ins of stage.body) {
        const kw = model.kw(ins);
        if (!SINGLE.includes(kw)) continue;
        last.set(kw, ins);
        all.push([kw, ins]);
      }
      for (const [kw, ins] of all) {
        if (last.get(kw) === ins) continue;
        report(
          ins.getInstructionRange(),
          `Multiple ${kw} instructions should not be used in the same stage because only the last one will be used`,
        );
      }
    }
  },
};
