import { cellId, type Cell } from '../jobs';

/**
 * One build per cell at a time. Shared by everything that builds in one process (tree actions, Build
 * All, tasks, the CLI's jobs), so two runs asking for the same cell either wait their turn or are told
 * which cells are busy before anything starts.
 */
export class CellLocks {
  private readonly held = new Map<string, Promise<void>>();

  busy(cells: Cell[]): Cell[] {
    return cells.filter((c) => this.held.has(cellId(c)));
  }

  /** Takes every cell at once or none; undefined when any is busy. */
  tryAcquire(cells: Cell[]): (() => void) | undefined {
    if (this.busy(cells).length) return undefined;
    return this.take(cells.map(cellId));
  }

  /** Waits until every cell is free, then takes them all. Rejects if the signal aborts first. */
  async acquire(cells: Cell[], signal?: AbortSignal): Promise<() => void> {
    const ids = [...new Set(cells.map(cellId))];
    for (;;) {
      if (signal?.aborted) throw new Error('cancelled while waiting for a running build of the same cell');
      const pending = ids.map((id) => this.held.get(id)).filter((p): p is Promise<void> => p !== undefined);
      if (!pending.length) return this.take(ids);
      await new Promise<void>((resolve) => {
        const done = () => {
          signal?.removeEventListener('abort', done);
          resolve();
        };
        signal?.addEventListener('abort', done, { once: true });
        void Promise.race(pending).then(done);
      });
    }
  }

  private take(ids: string[]): () => void {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    for (const id of ids) this.held.set(id, released);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      for (const id of ids) if (this.held.get(id) === released) this.held.delete(id);
      release();
    };
  }
}
