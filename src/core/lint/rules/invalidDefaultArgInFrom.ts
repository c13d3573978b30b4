import { isValidReference } from '../../reference';
import { expandWord } from '../imageRef';
import { buildkitRule, type Rule } from '../rule';

/** Stand-ins for the automatic platform args; any real value yields the same validity verdict. */
const PLATFORM_DEFAULTS: Record<string, string> = {
  TARGETPLATFORM: 'linux/amd64', TARGETOS: 'linux', TARGETARCH: 'amd64', TARGETVARIANT: '',
  BUILDPLATFORM: 'linux/amd64', BUILDOS: 'linux', BUILDARCH: 'amd64', BUILDVARIANT: '',
};

export const invalidDefaultArgInFrom: Rule = {
  meta: buildkitRule('InvalidDefaultArgInFrom', 'Default value for global ARG results in an empty or invalid base image name'),
  check(model, report) {
    const vars = new Map<string, string | undefined>(Object.entries(PLATFORM_DEFAULTS));
    for (const a of model.globalArgs) {
      const value = a.raw === undefined ? undefined : expandWord(a.raw, vars, model.escape);
      vars.set(a.name, value ?? (a.raw === undefined ? undefined : ''));
    }
    const stageNames = new Set(model.stages.filter((s) => s.name).map((s) => s.name!.toLowerCase()));
    for (const stage of model.stages) {
      const image = model.args(stage.from)[0];
      if (!image) continue;
      const word = image.getValue();
      if (!word.includes('$')) continue;
      const expanded = expandWord(word, vars, model.escape);
      if (expanded === undefined) continue;
      const lower = expanded.toLowerCase();
      if (lower === 'scratch' || stageNames.has(lower) || isValidReference(expanded)) continue;
      report(image.getRange(), `Default value for ARG ${word} results in empty or invalid base image name`);
    }
  },
};
