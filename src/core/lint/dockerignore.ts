import ignore from '@balena/dockerignore';

/**
 * .dockerignore matching with the engine's semantics (a port of Docker's own pattern matcher: cleaned
 * paths relative to the context, `*` and `?` within one segment, `**` across segments, `!` re-includes,
 * the last matching pattern wins, and a path is excluded when one of its parents is).
 */
export interface IgnoreMatcher {
  ignores(path: string): boolean;
  /** Some pattern re-includes paths (`!pattern`). */
  hasExclusions: boolean;
  /** A pattern excludes every entry of the context (`*`, `**` or `**\/*`). */
  excludesEverything: boolean;
}

export function parseDockerignore(text: string): IgnoreMatcher {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  const matcher = ignore().add(lines);
  const patterns = lines.map((l) => l.trim());
  return {
    hasExclusions: patterns.some((p) => p.startsWith('!')),
    excludesEverything: patterns.some((p) => p === '*' || p === '**' || p === '**/*'),
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
