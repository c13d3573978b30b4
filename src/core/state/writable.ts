import { mkdir, open, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { resultsPath, stateDir } from './paths';
import { stateDirEscape, stateLinkEscape } from './stateDirEscape';
import { StateAccessError } from './stateFile';

/**
 * Whether a build could record its results: `.multiarch/` can be created and written, `results.json` is
 * a file (or absent), and no link there leads out of the project. Checked before a build starts, so a broken
 * state folder is reported before the build runs instead of after it, with its record lost. A disk that fills
 * during the build is still reported after. Returns the problem's message, or undefined.
 */
export async function stateProblem(root: string): Promise<string | undefined> {
  const dir = stateDir(root);
  const results = resultsPath(root);
  const escape = (await stateDirEscape(dir)) ?? (await stateLinkEscape(root));
  if (escape) return escape;
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    return new StateAccessError(dir, 'write', err as NodeJS.ErrnoException).message;
  }
  const info = await stat(results).catch(() => undefined);
  if (info && !info.isFile())
    return new StateAccessError(results, 'write', Object.assign(new Error('not a file'), { code: 'EISDIR' })).message;
  const probe = join(dir, `.probe.${process.pid}.tmp`);
  try {
    const handle = await open(probe, 'wx');
    try {
      await handle.writeFile('probe\n');
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    return new StateAccessError(results, 'write', err as NodeJS.ErrnoException).message;
  } finally {
    await unlink(probe).catch(() => undefined);
  }
  return undefined;
}
