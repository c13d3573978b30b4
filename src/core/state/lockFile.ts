// The one lock-file primitive. A lock file holds its taker's pid and process start time and dies with
// that process: a lock whose pid is gone, or whose pid now belongs to a process started at another time
// (pid reuse), is stale and taken over. Used for one builder per cell (core/build/lockFiles.ts) and for
// read-modify-write of a state file (fileLock.ts).
import { readFileSync } from 'node:fs';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';

export interface LockHolder {
  pid: number;
  /** Kernel start time of the process (`/proc/<pid>/stat` field 22), when the platform has it. */
  startTime?: string;
  host: string;
  /** What the lock guards: a cell id, a state file's name. */
  what: string;
  since: string;
}

/** Creates `file` holding this process, taking over a stale lock; returns the live holder when it is taken. */
export async function tryLockFile(file: string, what: string): Promise<LockHolder | undefined> {
  await mkdir(dirname(file), { recursive: true });
  const mine: LockHolder = {
    pid: process.pid,
    ...startTimeOf(process.pid),
    host: hostname(),
    what,
    since: new Date().toISOString(),
  };
  const draft = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    // Inside the try: a write that fails half-way (a full disk) must not leave the draft behind.
    await writeFile(draft, JSON.stringify(mine) + '\n');
    for (let attempt = 0; attempt < 5; attempt++) {
      // link() fails when the target exists: creating the lock is atomic and it is never seen half-written.
      if (
        await link(draft, file).then(
          () => true,
          () => false,
        )
      )
        return undefined;
      const holder = await readLock(file);
      // Released between our link() and our read: the next link() may win. Treating the missing file as a
      // stale lock would move aside the holder's next lock, and two processes would both think they hold it.
      if (holder === 'missing') continue;
      if (holder && isAlive(holder)) return holder;
      await takeOverStale(file, holder);
    }
    return (await readLockHolder(file)) ?? mine;
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}

export async function unlockFile(file: string): Promise<void> {
  await unlink(file).catch(() => undefined);
}

/**
 * Moves a stale lock aside and deletes it. Two processes may find the same stale lock at once: the rename
 * is atomic, and a lock that turns out to be a fresh one (the other process won) is put back.
 */
async function takeOverStale(file: string, seen: LockHolder | undefined): Promise<void> {
  const aside = `${file}.stale.${process.pid}`;
  if (
    !(await rename(file, aside).then(
      () => true,
      () => false,
    ))
  )
    return;
  const moved = await readLockHolder(aside);
  // Only the lock we judged stale is deleted; one that a live process created meanwhile is put back.
  const same = seen ? moved?.pid === seen.pid && moved.since === seen.since : !moved;
  if (!same) await link(aside, file).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

export async function readLockHolder(file: string): Promise<LockHolder | undefined> {
  const lock = await readLock(file);
  return lock === 'missing' ? undefined : lock;
}

/** The holder; 'missing' when there is no lock file; undefined when the file cannot be read as a lock. */
async function readLock(file: string): Promise<LockHolder | 'missing' | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    return undefined;
  }
  try {
    const data = JSON.parse(text) as Partial<LockHolder> & { cell?: unknown };
    if (typeof data.pid === 'number' && typeof data.since === 'string') {
      // `cell`: lock files written before the primitive was shared.
      const what = String(data.what ?? data.cell ?? '');
      return {
        pid: data.pid,
        since: data.since,
        host: String(data.host ?? ''),
        what,
        ...(data.startTime ? { startTime: String(data.startTime) } : {}),
      };
    }
  } catch {
    // a file that is not a lock (written by hand, or by a crash before locks were linked): treated as no holder
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

/** This process as text another process can check with `ownerAlive`: `pid/start time/host`. */
export function processOwner(): string {
  return `${process.pid}/${startTimeOf(process.pid).startTime ?? ''}/${hostname()}`;
}

/** Whether the process `processOwner` described still runs (a malformed owner counts as alive: never guess it gone). */
export function ownerAlive(owner: string): boolean {
  const m = /^(\d+)\/(\d*)\/(.*)$/.exec(owner);
  if (!m) return true;
  return isAlive({ pid: Number(m[1]), ...(m[2] ? { startTime: m[2] } : {}), host: m[3]!, what: '', since: '' });
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
