/**
 * Runs at most `concurrency` tasks at once. A freed place goes to the waiting task of the highest `priority`,
 * and among equals to the one submitted first.
 */
export class TaskQueue {
  private active = 0;
  private readonly waiting: { priority: number; go: () => void }[] = [];

  constructor(readonly concurrency: number) {
    if (!(concurrency >= 1)) throw new Error(`concurrency must be at least 1 (got ${concurrency})`);
  }

  async run<T>(task: () => Promise<T>, priority = 0): Promise<T> {
    if (this.active >= this.concurrency) await new Promise<void>((go) => this.enqueue({ priority, go }));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.go();
    }
  }

  private enqueue(w: { priority: number; go: () => void }): void {
    const behind = this.waiting.findIndex((x) => x.priority < w.priority);
    if (behind < 0) this.waiting.push(w);
    else this.waiting.splice(behind, 0, w);
  }
}
