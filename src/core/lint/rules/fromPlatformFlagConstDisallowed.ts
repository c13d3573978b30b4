import { buildkitRule, type Rule } from '../rule';

export const fromPlatformFlagConstDisallowed: Rule = {
  meta: buildkitRule('FromPlatformFlagConstDisallowed', 'FROM --platform flag should not use a constant value'),
  check(model, report) {
    for (const stage of model.stages) {
      const value = stage.platform?.getValue();
      const range = stage.platform?.getValueRange();
      if (!value || !range || value.includes('$')) continue;
      // A stage named after its platform (build_arm64) is the documented way to pin one deliberately.
      const name = stage.name?.toLowerCase() ?? '';
      const parts = value.toLowerCase().split('/').filter(Boolean);
      if (name && parts.some((p) => name.includes(p))) continue;
      report(range, `FROM --platform flag should not use constant value ${JSON.stringify(value)}`);
    }
  },
};
