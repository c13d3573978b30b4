import ignore from '@balena/dockerignore';

/**
 * .dockerignore matching with the engine's semantics (a port of Docker's own pattern matcher: cleaned
 * paths relative to the context, `*` and `?` within one segment, `**` across segments, `!` re-includes,
 * the last matching pattern wins, and a path is excluded when one of its parents is).
 */
export interface IgnoreMatcher {
  ignores(path: string): boolean;
}

export function parseDockerignore(text: string): IgnoreMatcher {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  const matcher = ignore().add(lines);
  return {
    ignores(path: string): boolean {
      const target = cleanPath(path);
      return target !== '' && target !== '.' && matcher.ignores(target);
    },
  };
}

export function cleanPath(path: string): string {
  const out: string[] = [];
  for (const seg of path.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}
