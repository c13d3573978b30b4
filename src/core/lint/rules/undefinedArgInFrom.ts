import { PLATFORM_ARGS, PLATFORM_ARG_SET } from '../model';
import { buildkitRule, suggestion as suggest, type Rule } from '../rule';
import { suggestName } from '../suggest';

export const undefinedArgInFrom: Rule = {
  meta: buildkitRule('UndefinedArgInFrom', 'FROM command must use declared ARGs'),
  check(model, report) {
    const declared = new Set(model.globalArgs.map((a) => a.name));
    const candidates = [...declared, ...PLATFORM_ARGS];
    for (const stage of model.stages) {
      for (const v of model.vars(stage.from)) {
        const name = v.name;
        if (declared.has(name) || PLATFORM_ARG_SET.has(name) || !name) continue;
        const suggestion = suggestName(name, candidates);
        const range = v.range;
        report(
          range,
          `FROM argument '${name}' is not declared${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
          suggestion ? suggest({ title: `Change to ${suggestion}`, edits: [{ range, newText: suggestion }] }) : undefined,
        );
      }
    }
  },
};
