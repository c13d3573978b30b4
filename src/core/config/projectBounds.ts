import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { OutsidePath, RawConfig, ResolvedConfig } from './types';

/** The folder that holds `.git` above `start` (GitHub runs workflows there), else `start` itself. */
export function repositoryRoot(start: string): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return resolve(start);
  }
}

/**
 * The path with every symlink of its longest existing prefix resolved, so `context: ./link` where the link
 * points at `/` counts as `/`. A part that does not exist yet stays as written.
 */
function realPath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    const parent = dirname(p);
    return parent === p ? p : join(realPath(parent), p.slice(parent.length).replace(/^[/\\]+/, ''));
  }
}

function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
}

/**
 * The contexts and Dockerfiles of a config that lie outside its project: the folder that holds the config, or
 * the repository root above it. A build sends a context to the engine and a `COPY` puts its files into the
 * image (and a push into a registry), so a config must not reach the rest of the machine unless the user
 * says so (`--allow-outside-project`, or a confirmation naming the path in the editor).
 */
export function outsidePaths(raw: RawConfig, config: ResolvedConfig): Omit<OutsidePath, 'line' | 'column'>[] {
  const bound = realPath(repositoryRoot(config.root));
  const found = new Map<string, Omit<OutsidePath, 'line' | 'column'>>();
  const check = (pointer: string[], key: 'context' | 'dockerfile', path: string) => {
    const real = realPath(path);
    if (isInside(real, bound) || found.has(pointer.join('/'))) return;
    found.set(pointer.join('/'), { pointer, key, path: real, project: bound });
  };
  const first = config.variants[0];
  if (first) check(raw.context !== undefined ? ['context'] : [], 'context', first.context);
  for (const v of config.variants) {
    const own = raw.variants?.[v.name]?.dockerfile !== undefined;
    check(
      own ? ['variants', v.name, 'dockerfile'] : raw.dockerfile !== undefined ? ['dockerfile'] : [],
      'dockerfile',
      v.dockerfile,
    );
  }
  return [...found.values()];
}

/** The sentence for a path outside the project, with what to do. */
export function outsideMessage(o: Pick<OutsidePath, 'key' | 'path' | 'project'>): string {
  return `${o.key} ${o.path} is outside the project (${o.project}): a build would send it to the engine and could copy its files into the image; move it into the project, or pass --allow-outside-project to build with it anyway`;
}
