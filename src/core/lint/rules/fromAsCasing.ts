import { buildkitRule, type Rule } from '../rule';

export const fromAsCasing: Rule = {
  meta: buildkitRule('FromAsCasing', "The 'as' keyword should match the case of the 'from' keyword"),
  check(model, report) {
    for (const stage of model.stages) {
      if (!stage.asRange) continue;
      const from = stage.from.getInstruction();
      const as = model.rangeText(stage.asRange);
      let want: string | undefined;
      // Mixed-case keywords ("From") have no case to match, as in BuildKit.
      if (from === from.toUpperCase() && as !== as.toUpperCase()) want = as.toUpperCase();
      else if (from === from.toLowerCase() && as !== as.toLowerCase()) want = as.toLowerCase();
      if (!want) continue;
      report(stage.asRange, `'${as}' and '${from}' keywords' casing do not match`, {
        title: `Change '${as}' to '${want}'`,
        edits: [{ range: stage.asRange, newText: want }],
      });
    }
  },
};
