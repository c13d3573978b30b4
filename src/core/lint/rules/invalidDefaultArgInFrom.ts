import { isValidReference } from '../../reference';
import { buildkitRule, type Rule } from '../rule';
import { processWord } from '../shellWord';

/** Stand-ins for the automatic platform args; any real value yields the same validity verdict. */
const PLATFORM_DEFAULTS: Record<string, string> = {
  TARGETPLATFORM: 'linux/amd64', TARGETOS: 'linux', TARGETARCH: 'amd64', TARGETVARIANT: '',
  BUILDPLATFORM: 'linux/amd64', BUILDOS: 'linux', BUILDARCH: 'amd64', BUILDVARIANT: '',
};

export const invalidDefaultArgInFrom: Rule = {
  meta: buildkitRule('InvalidDefaultArgInFrom', 'Default value for global ARG results in an empty or invalid base image name'),
  check(model, report) {
    // As BuildKit: the global ARGs with their defaults only (no build args), each default expanded with
    // the shell rules (quotes removed) against the ARGs before it.
    const env = new Map<string, string>(Object.entries(PLATFORM_DEFAULTS));
    for (const a of model.globalArgs) {
      if (a.raw === undefined) continue;
      const value = processWord(a.raw, env, model.escape);
      if (!value) return;
      env.set(a.name, value.result);
    }
    for (const stage of model.stages) {
      const image = model.args(stage.from)[0];
      if (!image) continue;
      const word = image.getValue();
      // Without a variable the name is the author's, not a default's: BuildKit's parse error says more.
      if (!word.includes('$')) continue;
      const expanded = processWord(word, env, model.escape);
      if (!expanded) return;
      if (isValidReference(expanded.result)) continue;
      report(image.getRange(), `Default value for ARG ${word} results in empty or invalid base image name`);
    }
  },
};
