// A cross-process lock around a read-modify-write of one state file: the CLI, each VS Code window and
// their builds may append to the same .multiarch/results.json at once, and without it the slower writer
// would drop the records the faster one added.
import { basename } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { tryLockFile, unlockFile } from './lockFile';

export interface FileLockOptions {
  /** Give up waiting for a live holder after this long. */
  timeoutMs?: number;
}

export class FileLockTimeout extends Error {}

/** Same-process holders queue here instead of polling the lock file. */
const inProcess = new Map<string, Promise<unknown>>();

/** Runs `fn` while holding `<file>.lock` (state/lockFile.ts), so one process at a time changes `file`. */
export function withFileLock<T>(file: string, fn: () => Promise<T>, o: FileLockOptions = {}): Promise<T> {
  const lock = `${file}.lock`;
  const previous = inProcess.get(lock) ?? Promise.resolve();
  const run = previous
    .catch(() => undefined)
    .then(async () => {
      await acquire(lock, basename(file), o.timeoutMs ?? 15_000);
      try {
        return await fn();
      } finally {
        await unlockFile(lock);
      }
    });
  const tail = run.catch(() => undefined);
  inProcess.set(lock, tail);
  void tail.then(() => {
    if (inProcess.get(lock) === tail) inProcess.delete(lock);
  });
  return run;
}

async function acquire(lock: string, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    const holder = await tryLockFile(lock, what);
    if (!holder) return;
    if (Date.now() > deadline) {
      throw new FileLockTimeout(
        `${lock} is held by process ${holder.pid} (since ${holder.since}); if no multiarch is running, delete the lock file and retry`,
      );
    }
    // A live holder keeps the lock for one small read and write: poll briefly (it may also die without a word).
    await delay(wait);
  }
}
