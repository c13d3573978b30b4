import { buildkitRule, type Rule } from '../rule';

export const redundantTargetPlatform: Rule = {
  meta: buildkitRule(
    'RedundantTargetPlatform',
    'Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior',
  ),
  check(model, report) {
    for (const stage of model.stages) {
      const flag = stage.platform;
      const value = flag?.getValue();
      if (!flag || (value !== '$TARGETPLATFORM' && value !== '${TARGETPLATFORM}')) continue;
      const r = flag.getRange();
      // Remove the flag and the blanks after it so the line keeps single spacing.
      const line = model.index.lineText(r.end.line);
      let end = r.end.character;
      while (end < line.length && (line[end] === ' ' || line[end] === '\t')) end++;
      report(r, `Setting platform to predefined ${value} in FROM is redundant as this is the default behavior`, {
        title: 'Remove the redundant --platform flag',
        edits: [{ range: { start: r.start, end: { line: r.end.line, character: end } }, newText: '' }],
      });
    }
  },
};
