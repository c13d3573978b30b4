import { cleanPath, parseDockerignore } from '../dockerignore';
import { buildkitRule, type Rule } from '../rule';

export const copyIgnoredFile: Rule = {
  meta: buildkitRule('CopyIgnoredFile', 'Attempting to Copy file that is excluded by .dockerignore', true),
  check(model, report) {
    if (!model.context.dockerignore) return;
    const matcher = parseDockerignore(model.context.dockerignore);
    model.instructions.forEach((ins) => {
      const kw = model.kw(ins);
      if (kw !== 'COPY' && kw !== 'ADD') return;
      const flags = model.flags(ins);
      if (flags.some((f) => f.getName().toLowerCase() === 'from')) return;
      const args = model.args(ins);
      if (args.length < 2 || args.some((a) => a.getValue().startsWith('<<'))) return;
      const cmd = kw === 'COPY' ? 'Copy' : 'Add';
      for (const src of args.slice(0, -1)) {
        const path = src.getValue();
        if (/[$*?[]/.test(path) || /^[a-z][a-z0-9+.-]*:\/\//i.test(path) || path.startsWith('git@') || cleanPath(path) === '') continue;
        if (matcher.ignores(path)) report(src.getRange(), `Attempting to ${cmd} file ${JSON.stringify(path)} that is excluded by .dockerignore`);
      }
    });
  },
};
