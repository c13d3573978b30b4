import type { CliIO } from './io';
import { descendants, signal } from '../core/build/processTree';

export const CANCELLED = Symbol('cancelled');

/** Commands that cancel with a clean-up of their own (`cancelOnSignal`); while any is active, `exitOnSignal` stands aside. */
let ownCancels = 0;

/**
 * Ctrl+C (and SIGTERM) for every command, from the CLI's first line: a command without a clean-up of its own
 * (lint, plan, sizes, …) stops the processes it started and exits 1 at once, as a cancelled build does. Node's
 * default would exit 130, and not at all while execa's exit hook holds the signal.
 */
export function exitOnSignal(io: CliIO, command: string): void {
  const onSignal = () => {
    if (ownCancels > 0) return;
    io.err(`\nmultiarch ${command}: cancelled\n`);
    // Deepest first, so no process outlives its parent long enough to start another.
    for (const pid of descendants(process.pid).reverse()) signal(pid, 'SIGTERM');
    process.exit(1);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/**
 * Ctrl+C (and SIGTERM) for the whole of a command, from its first line: a cancel exits 1 wherever it lands,
 * engine check included, instead of node's default 130. A second Ctrl+C while the build cleans up is
 * acknowledged, not obeyed, so the clean-up that keeps the image store usable is not cut short.
 */
export function cancelOnSignal(io: CliIO, command: string): { signal: AbortSignal; dispose: () => void } {
  const abort = new AbortController();
  const onSignal = () => {
    if (!abort.signal.aborted) {
      io.err(`\nmultiarch ${command}: cancelling…\n`);
      abort.abort();
    } else {
      io.err(`multiarch ${command}: still cleaning up after the cancelled build…\n`);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  ownCancels++;
  let disposed = false;
  return {
    signal: abort.signal,
    dispose: () => {
      if (!disposed) ownCancels--;
      disposed = true;
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    },
  };
}

/** The promise's value, or CANCELLED as soon as the signal aborts (the promise is left to settle on its own). */
export function unlessCancelled<T>(p: Promise<T>, signal: AbortSignal): Promise<T | typeof CANCELLED> {
  if (signal.aborted) return Promise.resolve(CANCELLED);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(CANCELLED);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
