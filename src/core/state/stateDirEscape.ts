import { lstat, readdir, readlink, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { STATE_DIR_NAME } from './paths';

/** Where a link leads: its target with every symlink resolved, or as written when it does not exist (yet). */
async function linkTarget(link: string): Promise<string> {
  const real = await realpath(link).catch(() => undefined);
  if (real) return real;
  const text = await readlink(link).catch(() => undefined);
  return text === undefined ? link : resolve(dirname(link), text);
}

async function outside(target: string, root: string): Promise<boolean> {
  const project = await realpath(root).catch(() => root);
  const rel = relative(project, target);
  return !(rel === '' || (!rel.startsWith('..') && !isAbsolute(rel)));
}

/**
 * Why `file` under `<root>/.multiarch` must not be written: `.multiarch`, a folder on the way or the file itself
 * is a symlink that leads out of the project. A checked-in link would make builds write (and the editor read)
 * anywhere on the machine, overwriting what the link names.
 */
export async function stateDirEscape(file: string): Promise<string | undefined> {
  const at = file.lastIndexOf(`${sep}${STATE_DIR_NAME}`);
  if (at < 0) return undefined;
  const root = file.slice(0, at);
  const dir = join(root, STATE_DIR_NAME);
  let path = dir;
  for (const part of ['', ...relative(dir, file).split(sep).filter(Boolean)]) {
    path = join(path, part);
    const info = await lstat(path).catch(() => undefined);
    if (!info?.isSymbolicLink()) continue;
    const target = await linkTarget(path);
    if (await outside(target, root))
      return escapeMessage(path, target, path === file && path !== dir ? 'a file' : 'a folder');
  }
  return undefined;
}

/**
 * The first link under `<root>/.multiarch` that leads out of the project: a build writes its logs, bake file and
 * warm-up Dockerfiles there with plain writes, which would follow it. Checked before a build starts.
 */
export async function stateLinkEscape(root: string): Promise<string | undefined> {
  const walk = async (dir: string): Promise<string | undefined> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isSymbolicLink()) {
        const target = await linkTarget(path);
        if (await outside(target, root)) return escapeMessage(path, target, 'a file or folder');
      } else if (e.isDirectory()) {
        const found = await walk(path);
        if (found) return found;
      }
    }
    return undefined;
  };
  return walk(join(root, STATE_DIR_NAME));
}

function escapeMessage(link: string, target: string, replacement: string): string {
  return `${link} is a symlink to ${target}, outside the project; multiarch keeps its state inside the project only: replace the link with ${replacement} (rm ${link}), then run the command again`;
}
