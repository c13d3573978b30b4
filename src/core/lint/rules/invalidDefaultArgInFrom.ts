import { isValidReference } from '../../reference';
import { buildkitRule, type Rule } from '../rule';
import { processWord } from '../shellWord';

export const invalidDefaultArgInFrom: Rule = {
  meta: buildkitRule(
    'InvalidDefaultArgInFrom',
    'Default value for global ARG results in an empty or invalid base image name',
  ),
  // As BuildKit: the global ARGs with their defaults only (no build args), each default expanded with the
  // shell rules (quotes removed) against the ARGs before it and the cell's platform args.
  checkCell(model, cell, report) {
    let env;
    // Stages often share one base expression (FROM ${BASE}): one verdict per word.
    const valid = new Map<string, boolean>();
    for (const stage of model.stages) {
      const image = model.args(stage.from)[0];
      if (!image) continue;
      const word = image.getValue();
      // Without a variable the name is the author's, not a default's: BuildKit's parse error says more.
      if (!word.includes('$')) continue;
      let ok = valid.get(word);
      if (ok === undefined) {
        env ??= cell.defaults;
        if (!env) return;
        const expanded = processWord(word, env, model.escape);
        if (!expanded) return;
        valid.set(word, (ok = isValidReference(expanded.result)));
      }
      if (ok) continue;
      report(image.getRange(), `Default value for ARG ${word} results in empty or invalid base image name`);
    }
  },
};
