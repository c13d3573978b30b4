import { localAvailability } from '../engines/emulation';
import type { Job } from '../jobs';

/**
 * Keeps a core for each emulated platform's warm-up while it runs. That warm-up is the run's critical path:
 * its shared stage runs under QEMU (a CPU-bound step, several times slower than native) and every variant of
 * its platform waits for it, while the native platform's warm-up and variant builds have time to spare. Each
 * podman build and each RUN container is a session of its own, so the kernel shares the CPU between them
 * equally (`nice` does not reach across sessions: autogroups), and on a small machine native builds beside
 * the emulated warm-up slowed it more than running them one at a time slowed them (bench/README.md, "The
 * emulated warm-up keeps a core"). So while emulated warm-ups run, native builds run at most
 * `cores − running emulated warm-ups` at once (at least one); once they end, no limit.
 */
export class EmulationReserve {
  private emulated = 0;
  private native = 0;
  /** Emulated builds counted before they started (expect), per owner. */
  private readonly expectedOf = new Map<object, number>();
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly cores: number,
    private readonly host: string,
  ) {}

  isNative(platform: string): boolean {
    return localAvailability(platform, this.host, []).state === 'native';
  }

  /**
   * A build's place in the queue for a build slot (TaskQueue priority): an emulated platform's build goes before
   * the native ones waiting with it. Once its warm-up is done, each emulated variant build is several times
   * longer than a native one and the run ends with the last of them; queued behind the native builds that were
   * waiting since the native warm-up, they started late and the last one ran alone while a core was idle
   * (bench/README.md, "Emulated builds first once their warm-up is done").
   */
  priority(platform: string): number {
    return this.isNative(platform) ? 0 : 1;
  }

  /**
   * Counts `count` emulated builds of `owner` (a split buildx job's emulated parts) as running from now, before
   * they start. Every job starts at once, and a native build that got past the reserve a moment before them took
   * the core they need: two native builds beside three emulated ones on 2 cores (bench/README.md, "The emulated
   * parts counted from the run's start"). Each takes its place when it runs with `owner`; `settle(owner)` drops the
   * ones that never will (a job cancelled or failed before them).
   */
  expect(owner: object, count: number): void {
    if (count <= 0) return;
    this.expectedOf.set(owner, (this.expectedOf.get(owner) ?? 0) + count);
  }

  /** `owner` has ended: the emulated builds expected of it and not run are no longer counted. */
  settle(owner: object): void {
    if (this.expectedOf.delete(owner)) this.wake();
  }

  /**
   * Runs `task` (one build of `platform`): an emulated platform's warm-up (`warmup`) holds the reserve while
   * it runs, and on until `holdUntil` settles when given, in place of one expected of `owner` if any; a native
   * build waits for a free core first (`onWait(true)` when it has to, `onWait(false)` when it stops waiting).
   * Other builds run at once.
   */
  async run<T>(
    {
      platform,
      kind,
      onWait,
      holdUntil,
      owner,
    }: {
      platform: string;
      kind: 'warmup' | 'build';
      onWait?: (waiting: boolean) => void;
      holdUntil?: Promise<unknown>;
      owner?: object;
    },
    task: () => Promise<T>,
  ): Promise<T> {
    if (!this.isNative(platform)) {
      if (kind === 'build') return task();
      const left = owner && this.expectedOf.get(owner);
      if (owner && left) this.expectedOf.set(owner, left - 1);
      return this.holding('emulated', task, holdUntil);
    }
    const full = () => {
      let emulated = this.emulated;
      for (const n of this.expectedOf.values()) emulated += n;
      return emulated > 0 && this.native >= Math.max(1, this.cores - emulated);
    };
    if (full()) {
      onWait?.(true);
      while (full()) await new Promise<void>((r) => this.waiting.push(r));
      onWait?.(false);
    }
    return this.holding('native', task);
  }

  /**
   * Counts `task` as a running build of its kind until it ends (and `holdUntil` has settled), then lets the
   * waiters check again.
   */
  private async holding<T>(
    kind: 'emulated' | 'native',
    task: () => Promise<T>,
    holdUntil?: Promise<unknown>,
  ): Promise<T> {
    this[kind]++;
    const release = () => {
      this[kind]--;
      this.wake();
    };
    try {
      return await task();
    } finally {
      if (holdUntil) void holdUntil.then(release, release);
      else release();
    }
  }

  /** Every waiter checks again (they re-queue themselves while the limit still holds). */
  private wake(): void {
    for (const w of this.waiting.splice(0)) w();
  }
}

/**
 * The order this machine's jobs take the build slots in when no warm-up runs in front (dockerd): each emulated
 * platform's first job, then the native jobs, then the other emulated ones. BuildKit runs a step that
 * concurrent builds share once and the others wait for it, so a second emulated build of the same Dockerfile
 * started beside the first only waited on the shared steps under QEMU, holding a slot the native builds could
 * have used (in the plan's order both slots waited on one QEMU step; bench/README.md, build-all.ts). Started
 * after the native builds, it waits only when nothing else could run. A job on a build node keeps its place.
 */
export function emulatedFirst(jobs: Job[], host: string): Job[] {
  const emulated = (j: Job) =>
    !j.node && j.platforms.length === 1 && localAvailability(j.platforms[0]!, host, []).state !== 'native';
  const first = new Map<string, Job>();
  for (const j of jobs) if (emulated(j) && !first.has(j.platforms[0]!)) first.set(j.platforms[0]!, j);
  const leading = new Set(first.values());
  return [...leading, ...jobs.filter((j) => !emulated(j)), ...jobs.filter((j) => emulated(j) && !leading.has(j))];
}
