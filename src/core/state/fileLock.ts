// A cross-process lock around a read-modify-write of one state file: the CLI, each VS Code window and
// their builds may append to the same .multiarch/results.json at once, and without it the slower writer
// would drop the records the faster one added.
import { hostname } from 'node:os';
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export interface FileLockOptions {
  /** Give up waiting for another holder after this long. */
  timeoutMs?: number;
  /** A lock file older than this is left over from a crash (a holder keeps it for milliseconds). */
  staleMs?: number;
}

export class FileLockTimeout extends Error {}

/** Same-process holders queue here instead of polling the lock file. */
const inProcess = new Map<string, Promise<unknown>>();

/** Runs `fn` while holding `<file>.lock`, taken with O_EXCL, so one process at a time changes `file`. */
export function withFileLock<T>(file: string, fn: () => Promise<T>, o: FileLockOptions = {}): Promise<T> {
  const lock = `${file}.lock`;
  const previous = inProcess.get(lock) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(async () => {
    const release = await acquire(lock, o.timeoutMs ?? 15_000, o.staleMs ?? 30_000);
    try {
      return await fn();
    } finally {
      await release();
    }
  });
  const tail = run.catch(() => undefined);
  inProcess.set(lock, tail);
  void tail.then(() => {
    if (inProcess.get(lock) === tail) inProcess.delete(lock);
  });
  return run;
}

const me = `${process.pid}@${hostname()}`;

async function acquire(lock: string, timeoutMs: number, staleMs: number): Promise<() => Promise<void>> {
  const deadline = Date.now() + timeoutMs;
  await mkdir(dirname(lock), { recursive: true });
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(me);
      await handle.close();
      return () => unlink(lock).catch(() => undefined);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await readFile(lock, 'utf8').catch(() => undefined);
    if (holder !== undefined && (await isStale(lock, holder, staleMs))) {
      // Re-read so two waiters that both judged it stale do not remove a lock a third one just took.
      if ((await readFile(lock, 'utf8').catch(() => undefined)) === holder) await unlink(lock).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) {
      throw new FileLockTimeout(`${lock} is held by process ${holder ?? '?'}; if no multiarch build is running, delete the lock file and retry`);
    }
    // The holder keeps the lock for one small read and write: poll briefly rather than watch.
    await delay(wait);
  }
}

async function isStale(lock: string, holder: string, staleMs: number): Promise<boolean> {
  const [pid, host] = holder.split('@');
  if (host === hostname() && pid && /^\d+$/.test(pid) && !alive(Number(pid))) return true;
  const s = await stat(lock).catch(() => undefined);
  return s !== undefined && Date.now() - s.mtimeMs > staleMs;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
