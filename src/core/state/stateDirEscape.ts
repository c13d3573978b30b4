import { lstat, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { STATE_DIR_NAME } from './paths';

/**
 * Why `<root>/.multiarch` (the folder holding `file`) must not be written: a symlink that leads out of the
 * project would let a checked-in link make builds write (and the editor read) anywhere on the machine.
 */
export async function stateDirEscape(file: string): Promise<string | undefined> {
  const at = file.lastIndexOf(`${sep}${STATE_DIR_NAME}`);
  if (at < 0) return undefined;
  const root = file.slice(0, at);
  const dir = join(root, STATE_DIR_NAME);
  const info = await lstat(dir).catch(() => undefined);
  if (!info?.isSymbolicLink()) return undefined;
  const [target, project] = await Promise.all([realpath(dir).catch(() => undefined), realpath(root).catch(() => root)]);
  const rel = target === undefined ? '..' : relative(project, target);
  if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) return undefined;
  return `${dir} is a symlink to ${target ?? 'a missing folder'}, outside the project; multiarch keeps its state inside the project only: replace the link with a folder (rm ${dir}), then run the command again`;
}
