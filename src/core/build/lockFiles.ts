import { readFileSync } from 'node:fs';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { cellId, type Cell } from '../jobs';
import { cellLockPath } from '../state/paths';

/**
 * One builder per cell across processes: a lock file per cell under `.multiarch/locks/` holding the
 * builder's pid and process start time. It dies with its process: a lock whose pid is gone, or whose pid
 * now belongs to a process started at another time (pid reuse), is stale and taken over. Another VS Code
 * window or terminal building the same cell is told who holds it.
 */
export interface LockHolder {
  pid: number;
  /** Kernel start time of the process (`/proc/<pid>/stat` field 22), when the platform has it. */
  startTime?: string;
  host: string;
  cell: string;
  since: string;
}

export interface HeldCell {
  cell: Cell;
  holder: LockHolder;
}

export function lockPath(root: string, cell: Cell): string {
  return cellLockPath(root, cellId(cell));
}

/** Takes the lock of every cell, or none: the cells someone else holds are returned instead. */
export async function lockCells(root: string, cells: Cell[]): Promise<{ release: () => Promise<void> } | { held: HeldCell[] }> {
  const taken: string[] = [];
  const held: HeldCell[] = [];
  for (const cell of uniqueSorted(cells)) {
    const file = lockPath(root, cell);
    const holder = await tryLock(file, cell);
    if (holder) held.push({ cell, holder });
    else taken.push(file);
  }
  if (held.length) {
    await Promise.all(taken.map((f) => unlink(f).catch(() => undefined)));
    return { held };
  }
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      await Promise.all(taken.map((f) => unlink(f).catch(() => undefined)));
    },
  };
}

/** The cells whose lock a live process holds (this one included), without taking anything. */
export async function heldCells(root: string, cells: Cell[]): Promise<HeldCell[]> {
  const out: HeldCell[] = [];
  for (const cell of uniqueSorted(cells)) {
    const holder = await readHolder(lockPath(root, cell));
    if (holder && isAlive(holder)) out.push({ cell, holder });
  }
  return out;
}

export function describeHeld(held: HeldCell[]): string {
  return held.map(({ cell, holder }) => `${cell.variant} on ${cell.platform} is already being built (pid ${holder.pid}${holder.host !== hostname() ? ` on ${holder.host}` : ''})`).join('; ');
}

/** Creates the lock file, taking over a stale one; returns the live holder when the cell is busy. */
async function tryLock(file: string, cell: Cell): Promise<LockHolder | undefined> {
  await mkdir(join(file, '..'), { recursive: true });
  const mine: LockHolder = { pid: process.pid, ...startTimeOf(process.pid), host: hostname(), cell: cellId(cell), since: new Date().toISOString() };
  const draft = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await writeFile(draft, JSON.stringify(mine) + '\n');
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      // link() fails when the target exists: creating the lock is atomic and it is never seen half-written.
      if (await link(draft, file).then(() => true, () => false)) return undefined;
      const holder = await readHolder(file);
      if (holder && isAlive(holder)) return holder;
      await takeOverStale(file, holder);
    }
    return (await readHolder(file)) ?? mine;
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}

/**
 * Moves a stale lock aside and deletes it. Two processes may find the same stale lock at once: the rename
 * is atomic, and a lock that turns out to be a fresh one (the other process won) is put back.
 */
async function takeOverStale(file: string, seen: LockHolder | undefined): Promise<void> {
  const aside = `${file}.stale.${process.pid}`;
  if (!(await rename(file, aside).then(() => true, () => false))) return;
  const moved = await readHolder(aside);
  const same = !seen || !moved || (moved.pid === seen.pid && moved.since === seen.since);
  if (!same) await link(aside, file).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    const data = JSON.parse(await readFile(file, 'utf8')) as Partial<LockHolder>;
    if (typeof data.pid === 'number' && typeof data.since === 'string') {
      return { pid: data.pid, since: data.since, host: String(data.host ?? ''), cell: String(data.cell ?? ''), ...(data.startTime ? { startTime: String(data.startTime) } : {}) };
    }
  } catch {
    // missing, or a half-written file from a crash: treated as no holder
  }
  return undefined;
}

/** Alive: same host, the pid exists, and (where known) it is the process that wrote the lock, not a reused pid. */
export function isAlive(holder: LockHolder): boolean {
  if (holder.host && holder.host !== hostname()) return true; // a shared folder: another machine's pid cannot be checked
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = startTimeOf(holder.pid).startTime;
  return !holder.startTime || !now || now === holder.startTime;
}

function startTimeOf(pid: number): { startTime?: string } {
  try {
    // The command name (field 2) may contain spaces and parentheses: count fields after its closing ")".
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return start ? { startTime: start } : {};
  } catch {
    return {};
  }
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
