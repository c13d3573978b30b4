import { hostname } from 'node:os';
import { cellId, type Cell } from '../jobs';
import { isAlive, readLockHolder, tryLockFile, unlockFile, type LockHolder } from '../state/lockFile';
import { cellLockPath } from '../state/paths';

/**
 * One builder per cell across processes: a lock file per cell under `.multiarch/locks/` (state/lockFile.ts:
 * pid and process start time, stale when that process is gone). Another VS Code window or terminal
 * building the same cell is told who holds it.
 */
export type { LockHolder };

export interface HeldCell {
  cell: Cell;
  holder: LockHolder;
}

export function lockPath(root: string, cell: Cell): string {
  return cellLockPath(root, cellId(cell));
}

/** Takes the lock of every cell, or none: the cells someone else holds are returned instead. */
export async function lockCells(
  root: string,
  cells: Cell[],
): Promise<{ release: () => Promise<void> } | { held: HeldCell[] }> {
  const taken: string[] = [];
  const held: HeldCell[] = [];
  for (const cell of uniqueSorted(cells)) {
    const file = lockPath(root, cell);
    const holder = await tryLockFile(file, cellId(cell));
    if (holder) held.push({ cell, holder });
    else taken.push(file);
  }
  if (held.length) {
    await Promise.all(taken.map(unlockFile));
    return { held };
  }
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      await Promise.all(taken.map(unlockFile));
    },
  };
}

/** The cells whose lock a live process holds (this one included), without taking anything. */
export async function heldCells(root: string, cells: Cell[]): Promise<HeldCell[]> {
  const out: HeldCell[] = [];
  for (const cell of uniqueSorted(cells)) {
    const holder = await readLockHolder(lockPath(root, cell));
    if (holder && isAlive(holder)) out.push({ cell, holder });
  }
  return out;
}

/**
 * Whether any of the cells has a lock file: a build of it runs (in this process or another), or was killed (its
 * holder is gone) and left in the engine's store what only building the cell again clears.
 */
export async function lockedCells(root: string, cells: Cell[]): Promise<boolean> {
  for (const cell of uniqueSorted(cells)) if (await readLockHolder(lockPath(root, cell))) return true;
  return false;
}

export function describeHeld(held: HeldCell[]): string {
  return held
    .map(
      ({ cell, holder }) =>
        `${cell.variant} on ${cell.platform} is already being built (pid ${holder.pid}${holder.host !== hostname() ? ` on ${holder.host}` : ''})`,
    )
    .join('; ');
}

function uniqueSorted(cells: Cell[]): Cell[] {
  const byId = new Map(cells.map((c) => [cellId(c), c]));
  return [...byId.keys()].sort().map((id) => byId.get(id)!);
}

/**
 * Takes the cells' locks, waiting (polling: the holder may die without a word) while another process holds
 * them when `wait` is set. Returns the release function, or the cells held when not waiting. Rejects when the
 * signal aborts while waiting.
 */
export async function acquireCells(
  root: string,
  cells: Cell[],
  o: { wait?: boolean; signal?: AbortSignal; onWait?: (held: HeldCell[]) => void; pollMs?: number },
): Promise<{ release: () => Promise<void> } | { held: HeldCell[] }> {
  let told = false;
  for (;;) {
    const r = await lockCells(root, cells);
    if ('release' in r || !o.wait) return r;
    if (!told) o.onWait?.(r.held);
    told = true;
    await new Promise<void>((resolve, reject) => {
      if (o.signal?.aborted) return reject(new Error('cancelled while waiting for another build of the same cell'));
      const timer = setTimeout(done, o.pollMs ?? 500);
      function done() {
        clearTimeout(timer);
        o.signal?.removeEventListener('abort', abort);
        resolve();
      }
      function abort() {
        clearTimeout(timer);
        reject(new Error('cancelled while waiting for another build of the same cell'));
      }
      o.signal?.addEventListener('abort', abort, { once: true });
    });
  }
}
