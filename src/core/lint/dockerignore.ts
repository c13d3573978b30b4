/**
 * .dockerignore matching with the semantics of the engine's pattern matcher: patterns are cleaned paths
 * relative to the context, `*` and `?` stay within one path segment, `**` spans segments, a `!` pattern
 * re-includes, the last matching pattern wins, and a path is excluded when it or one of its parents matches.
 */
export interface IgnoreMatcher {
  ignores(path: string): boolean;
}

interface Pattern {
  re: RegExp;
  exclusion: boolean;
}

export function parseDockerignore(text: string): IgnoreMatcher {
  const patterns: Pattern[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    let line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    let exclusion = false;
    if (line.startsWith('!')) {
      exclusion = true;
      line = line.slice(1).trim();
    }
    const cleaned = cleanPath(line);
    if (!cleaned) continue;
    const re = toRegExp(cleaned);
    if (re) patterns.push({ re, exclusion });
  }
  return {
    ignores(path: string): boolean {
      const target = cleanPath(path);
      if (!target || target === '.') return false;
      const candidates = parents(target);
      let ignored = false;
      for (const p of patterns) {
        if (candidates.some((c) => p.re.test(c))) ignored = !p.exclusion;
      }
      return ignored;
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

function parents(path: string): string[] {
  const segs = path.split('/');
  return segs.map((_, i) => segs.slice(0, i + 1).join('/'));
}

function toRegExp(pattern: string): RegExp | undefined {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else {
          re += '.*';
        }
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close < 0) return undefined;
      let cls = pattern.slice(i + 1, close);
      if (cls.startsWith('^')) cls = '!' + cls.slice(1);
      re += cls.startsWith('!') ? `[^${escapeClass(cls.slice(1))}]` : `[${escapeClass(cls)}]`;
      i = close;
    } else if (c === '\\') {
      i++;
      if (i < pattern.length) re += escapeRe(pattern[i]);
    } else {
      re += escapeRe(c);
    }
  }
  try {
    return new RegExp(re + '$');
  } catch {
    return undefined;
  }
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function escapeClass(s: string): string {
  return s.replace(/[\\\]^]/g, '\\$&');
}
