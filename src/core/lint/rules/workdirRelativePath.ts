import { buildkitRule, type Rule } from '../rule';

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(path);
}

export const workdirRelativePath: Rule = {
  meta: buildkitRule(
    'WorkdirRelativePath',
    'Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes',
  ),
  check(model, report) {
    const absoluteSet = new Set<number>();
    for (const stage of model.stages) {
      let absolute = stage.parent !== undefined && absoluteSet.has(stage.parent);
      for (const ins of stage.body) {
        if (model.kw(ins) !== 'WORKDIR') continue;
        const arg = model.args(ins)[0];
        if (!arg) continue;
        const path = arg.getValue();
        // A path built from variables is only known at build time; do not guess.
        if (isAbsolute(path) || path.includes('$')) {
          absolute = true;
          continue;
        }
        if (!absolute)
          report(
            arg.getRange(),
            `Relative workdir ${JSON.stringify(path)} can have unexpected results if the base image changes`,
          );
      }
      if (absolute) absoluteSet.add(stage.index);
    }
  },
};
