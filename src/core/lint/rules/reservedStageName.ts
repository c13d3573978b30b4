import { buildkitRule, type Rule } from '../rule';

const RESERVED = new Set(['scratch', 'context']);

export const reservedStageName: Rule = {
  meta: buildkitRule('ReservedStageName', 'Reserved words should not be used as stage names'),
  check(model, report) {
    for (const stage of model.stages) {
      if (!stage.name || !stage.nameRange) continue;
      const key = stage.name.toLowerCase();
      if (RESERVED.has(key))
        report(stage.nameRange, `Stage name should not use the same name as reserved stage ${JSON.stringify(key)}`);
    }
  },
};
