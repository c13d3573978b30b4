import { buildkitRule, type Rule } from '../rule';

export const duplicateStageName: Rule = {
  meta: buildkitRule('DuplicateStageName', 'Stage names should be unique'),
  check(model, report) {
    const seen = new Set<string>();
    for (const stage of model.stages) {
      if (!stage.name || !stage.nameRange) continue;
      // BuildKit compares stage names case-insensitively.
      const key = stage.name.toLowerCase();
      if (seen.has(key))
        report(stage.nameRange, `Duplicate stage name ${JSON.stringify(key)}, stage names should be unique`);
      seen.add(key);
    }
  },
};
