import { PREDEFINED_ARGS } from '../model';
import { buildkitRule, suggestion as suggest, type Rule } from '../rule';
import { suggestName } from '../suggest';

const PREDEFINED = new Set(PREDEFINED_ARGS);

/**
 * The same in every cell of a matrix: BuildKit checks a FROM's names against the declared global ARGs and
 * the predefined ones, whatever their values (a build arg without an ARG stays undeclared).
 */
export const undefinedArgInFrom: Rule = {
  meta: buildkitRule('UndefinedArgInFrom', 'FROM command must use declared ARGs'),
  check(model, report) {
    const declared = new Set(model.globalArgs.map((a) => a.name));
    const candidates = [...declared, ...PREDEFINED_ARGS];
    for (const stage of model.stages) {
      for (const v of model.vars(stage.from)) {
        const name = v.name;
        if (declared.has(name) || PREDEFINED.has(name) || !name) continue;
        const suggestion = suggestName(name, candidates);
        const range = v.range;
        report(
          range,
          `FROM argument '${name}' is not declared${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
          suggestion
            ? suggest({ title: `Change to ${suggestion}`, edits: [{ range, newText: suggestion }] })
            : undefined,
        );
      }
    }
  },
};
