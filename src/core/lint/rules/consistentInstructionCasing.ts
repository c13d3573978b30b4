import { Keyword } from 'dockerfile-ast';
import { buildkitRule, type Rule } from '../rule';

const KEYWORDS = new Set<string>(Object.values(Keyword));

export const consistentInstructionCasing: Rule = {
  meta: buildkitRule('ConsistentInstructionCasing', 'All commands within the Dockerfile should use the same casing (either upper or lower)'),
  check(model, report) {
    let lower = 0;
    let upper = 0;
    const raws = model.instructions.map((ins) => ins.getInstruction());
    // BuildKit checks the instructions of stages only: global ARGs before the first FROM are not counted.
    const first = model.stages.length ? model.instructions.indexOf(model.stages[0].from) : -1;
    const counted = (i: number) => first >= 0 && i >= first && KEYWORDS.has(model.kw(model.instructions[i]));
    raws.forEach((raw, i) => {
      if (!counted(i)) return;
      if (raw === raw.toLowerCase()) lower++;
      else if (raw === raw.toUpperCase()) upper++;
    });
    // A tie goes to uppercase, as in BuildKit.
    const majorityLower = lower > upper;
    raws.forEach((raw, i) => {
      if (!counted(i)) return;
      const want = majorityLower ? raw.toLowerCase() : raw.toUpperCase();
      if (raw === want) return;
      const range = model.instructions[i].getInstructionRange();
      report(range, `Command '${raw}' should match the case of the command majority (${majorityLower ? 'lowercase' : 'uppercase'})`, {
        title: `Change '${raw}' to '${want}'`,
        edits: [{ range, newText: want }],
      });
    });
  },
};
