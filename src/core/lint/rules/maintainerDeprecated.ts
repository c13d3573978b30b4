import { buildkitRule, suggestion, type Rule } from '../rule';
import { doubleQuoted } from '../words';

export const maintainerDeprecated: Rule = {
  meta: buildkitRule(
    'MaintainerDeprecated',
    'The MAINTAINER instruction is deprecated, use a label instead to define an image author',
  ),
  check(model, report) {
    model.ofKind('MAINTAINER').forEach((ins) => {
      if (model.kw(ins) !== 'MAINTAINER') return;
      const kwRange = ins.getInstructionRange();
      const full = ins.getRange();
      const author = model.argsOf(ins)?.text.trim() ?? '';
      const fixable = author !== '' && full.start.line === full.end.line;
      report(
        kwRange,
        'Maintainer instruction is deprecated in favor of using label',
        // The image loses its Author field and gains a label: a change of the image, so only offered.
        fixable
          ? suggestion({
              title: 'Replace with LABEL org.opencontainers.image.authors',
              edits: [
                {
                  range: full,
                  newText: `${model.keywordLike(ins, 'LABEL')} org.opencontainers.image.authors=${doubleQuoted(author, model.escape)}`,
                },
              ],
            })
          : undefined,
      );
    });
  },
};
