/**
 * Runs at most `concurrency` tasks at once. A freed place goes to the waiting task of the highest `priority`,
 * and among equals to the one submitted first.
 *
 * With `lastOneMore`, the last task runs one over the limit: once every task announced with `expect` has come
 * or been given up (`done`) and only one waits, it starts beside the running ones. Waiting for one of them to
 * end would leave a core idle at the end of the run while it alone runs; sharing the cores among one more
 * task ends the whole sooner (bench/README.md, "The last build starts beside the others").
 */
export class TaskQueue {
  private active = 0;
  private readonly waiting: { priority: number; go: () => void }[] = [];
  /** Tasks announced per key that have neither come nor been given up. */
  private readonly announced = new Map<unknown, number>();
  private coming = 0;

  constructor(
    readonly concurrency: number,
    private readonly opts: { lastOneMore?: boolean } = {},
  ) {
    if (!(concurrency >= 1)) throw new Error(`concurrency must be at least 1 (got ${concurrency})`);
  }

  /** Announces `count` tasks that `key` will submit (`run(…, key)`) unless it gives them up (`done(key)`). */
  expect(key: unknown, count: number): void {
    this.announced.set(key, (this.announced.get(key) ?? 0) + count);
    this.coming += count;
  }

  /** `key` submits no more tasks: its announced ones that did not come never will. */
  done(key: unknown): void {
    this.coming -= this.announced.get(key) ?? 0;
    this.announced.delete(key);
    this.pump();
  }

  async run<T>(task: () => Promise<T>, priority = 0, key?: unknown): Promise<T> {
    const left = key === undefined ? 0 : (this.announced.get(key) ?? 0);
    if (left > 0) {
      this.announced.set(key, left - 1);
      this.coming--;
    }
    // Started within this call when there is room (as a plain `if (active < concurrency)` would), else once woken.
    let admitted = false;
    let wake!: () => void;
    const woken = new Promise<void>((r) => (wake = r));
    this.enqueue({
      priority,
      go: () => {
        admitted = true;
        wake();
      },
    });
    this.pump();
    if (!admitted) await woken;
    try {
      return await task();
    } finally {
      this.active--;
      this.pump();
    }
  }

  /** Starts waiting tasks while there is room; a started task is counted here, before it resumes. */
  private pump(): void {
    while (this.waiting.length) {
      const last = this.opts.lastOneMore && this.coming === 0 && this.waiting.length === 1;
      if (this.active >= this.concurrency + (last ? 1 : 0)) return;
      this.active++;
      this.waiting.shift()!.go();
    }
  }

  private enqueue(w: { priority: number; go: () => void }): void {
    const behind = this.waiting.findIndex((x) => x.priority < w.priority);
    if (behind < 0) this.waiting.push(w);
    else this.waiting.splice(behind, 0, w);
  }
}
