import { Keyword, type Instruction } from 'dockerfile-ast';
import { buildkitRule, type Rule } from '../rule';

const KEYWORDS = new Set<string>(Object.values(Keyword));

export const consistentInstructionCasing: Rule = {
  meta: buildkitRule(
    'ConsistentInstructionCasing',
    'All commands within the Dockerfile should use the same casing (either upper or lower)',
  ),
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
      const c = letterCase(ins.getInstruction());
      if (c === 'lower') lower++;
      else if (c === 'upper') upper++;
    }
    // A tie goes to uppercase, as in BuildKit.
    const majorityLower = lower > upper;
    if (majorityLower ? upper === 0 && lower === counted.length : lower === 0 && upper === counted.length) return;
    for (const ins of counted) {
      const raw = ins.getInstruction();
      const want = majorityLower ? raw.toLowerCase() : raw.toUpperCase();
      if (raw === want) continue;
      const range = ins.getInstructionRange();
      report(
        range,
        `Command '${raw}' should match the case of the command majority (${majorityLower ? 'lowercase' : 'uppercase'})`,
        {
          title: `Change '${raw}' to '${want}'`,
          edits: [{ range, newText: want }],
        },
      );
    }
  },
};

/** The case of a keyword's letters, read without building upper- and lower-case copies of every keyword. */
function letterCase(word: string): 'upper' | 'lower' | 'mixed' {
  let upper = false;
  let lower = false;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= 65 && c <= 90) upper = true;
    else if (c >= 97 && c <= 122) lower = true;
  }
  return upper && lower ? 'mixed' : upper ? 'upper' : 'lower';
}
