import { cleanPath, parseDockerignore } from '../dockerignore';
import { buildkitRule, type Rule } from '../rule';

export const copyIgnoredFile: Rule = {
  meta: buildkitRule('CopyIgnoredFile', 'Attempting to Copy file that is excluded by .dockerignore'),
  check(model, report) {
    if (!model.context.dockerignore) return;
    const matcher = parseDockerignore(model.context.dockerignore);
    // As BuildKit: with `!` exceptions a directory may be excluded while a file in it is not, which cannot
    // be told from the Dockerfile alone, so such a .dockerignore is not checked at all.
    if (matcher.hasExclusions) return;
    model.ofKind('COPY', 'ADD').forEach((ins) => {
      const kw = model.kw(ins);
      if (kw !== 'COPY' && kw !== 'ADD') return;
      if (
        /--from/i.test(model.argsOf(ins)?.text ?? '') &&
        model.flags(ins).some((f) => f.getName().toLowerCase() === 'from')
      )
        return;
      const args = model.args(ins);
      if (args.length < 2 || args.some((a) => a.getValue().startsWith('<<'))) return;
      const cmd = kw === 'COPY' ? 'Copy' : 'Add';
      for (const src of args.slice(0, -1)) {
        const path = src.getValue();
        if (/[$*?[]/.test(path) || /^[a-z][a-z0-9+.-]*:\/\//i.test(path) || path.startsWith('git@')) continue;
        const clean = cleanPath(path);
        // The context root is excluded only by a pattern that excludes everything in it.
        const ignored = clean === '' ? matcher.excludesEverything : matcher.ignores(clean);
        if (ignored)
          report(
            src.getRange(),
            `Attempting to ${cmd} file ${JSON.stringify(clean === '' ? '.' : clean)} that is excluded by .dockerignore`,
          );
      }
    });
  },
};
