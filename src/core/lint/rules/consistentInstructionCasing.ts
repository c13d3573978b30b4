import { Keyword, type Instruction } from 'dockerfile-ast';
import { buildkitRule, type Rule } from '../rule';

const KEYWORDS = new Set<string>(Object.values(Keyword));

export const consistentInstructionCasing: Rule = {
  meta: buildkitRule('ConsistentInstructionCasing', 'All commands within the Dockerfile should use the same casing (either upper or lower)'),
  check(model, report) {
    // BuildKit checks the instructions of stages only: global ARGs before the first FROM are not counted.
    const first = model.stages.length ? model.instructions.indexOf(model.stages[0].from) : -1;
    if (first < 0) return;
    const counted: Instruction[] = [];
    let lower = 0;
    let upper = 0;
    for (let i = first; i < model.instructions.length; i++) {
      const ins = model.instructions[i];
      if (!KEYWORDS.has(model.kw(ins))) continue;
      counted.push(ins);
      const raw = ins.getInstruction();
      if (raw === raw.toLowerCase()) lower++;
      else if (raw === raw.toUpperCase()) upper++;
    }
    // A tie goes to uppercase, as in BuildKit.
    const majorityLower = lower > upper;
    if (majorityLower ? upper === 0 && lower === counted.length : lower === 0 && upper === counted.length) return;
    for (const ins of counted) {
      const raw = ins.getInstruction();
      const want = majorityLower ? raw.toLowerCase() : raw.toUpperCase();
      if (raw === want) continue;
      const range = ins.getInstructionRange();
      report(range, `Command '${raw}' should match the case of the command majority (${majorityLower ? 'lowercase' : 'uppercase'})`, {
        title: `Change '${raw}' to '${want}'`,
        edits: [{ range, newText: want }],
      });
    }
  },
};
