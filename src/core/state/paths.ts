// Everything multiarch keeps for a project lives in one folder next to the config (users gitignore it).
import { join } from 'node:path';

export const STATE_DIR_NAME = '.multiarch';

export function stateDir(root: string): string {
  return join(root, STATE_DIR_NAME);
}

/** Build history per cell (core/results). */
export function resultsPath(root: string): string {
  return join(stateDir(root), 'results.json');
}

/** Measured sizes per build, for deltas (core/sizes). */
export function sizesPath(root: string): string {
  return join(stateDir(root), 'sizes.json');
}

/** Latest architecture check per cell (core/verify). */
export function verifyPath(root: string): string {
  return join(stateDir(root), 'verify.json');
}

/** The engine output of one cell's last build. */
export function cellLogPath(root: string, cellId: string): string {
  return join(stateDir(root), 'logs', `${fileNameOf(cellId)}.log`);
}

/** Held while a build of one cell runs, by the process building it (core/build/lockFiles). */
export function cellLockPath(root: string, cellId: string): string {
  return join(stateDir(root), 'locks', `${fileNameOf(cellId)}.lock`);
}

/** `redis@linux/arm64` → `redis@linux_arm64`: a cell id as one file name on every platform. */
function fileNameOf(cellId: string): string {
  return cellId.replace(/[^A-Za-z0-9_.@-]/g, '_');
}
