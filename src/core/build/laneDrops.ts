import type { Job } from '../jobs';
import type { JobExec } from './jobExec';
import type { RunOptions } from './runnerTypes';

/** Locking a lane's cells takes milliseconds; a job not in by then waits for another process's build. */
const GRACE_MS = 100;

type Waiting = { job: Job; argv: string[]; done: () => void };

/**
 * The lane's `… manifest rm NAME` before-commands (each podman job's temporary list that a killed run may have
 * left: engines/podmanArgs.ts), run as one `podman manifest rm A B …` per machine and program. Each podman call
 * starts podman and takes the store's lock, so one per job ran one after another at the lane's start, in front of
 * the base image's pull (bench/README.md, "One `manifest rm` for a lane's temporary lists"). podman removes every
 * list it finds and fails only for the others; a before-command's failure is ignored anyway.
 *
 * A job's name joins once the job holds its cells, so no other build of the job runs. The batch goes when every
 * job with a drop has joined or never will (its cells are held elsewhere, the run stopped), or GRACE_MS after the
 * first one joined: a job waiting for another window's build does not hold the others up, and runs its own later.
 */
export class LaneDrops {
  private waiting: Waiting[] = [];
  private left: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly x: JobExec,
    jobs: Job[],
    private readonly run: { o: RunOptions; signal: AbortSignal },
  ) {
    this.left = jobs.filter((j) => dropOf(j)).length;
  }

  /** Runs the job's before-commands: its drop with the lane's others, any other command on its own. */
  async before(job: Job): Promise<void> {
    const drop = dropOf(job);
    if (!drop) {
      for (const argv of job.before ?? []) await this.x.run(job, argv, this.run);
      return;
    }
    await new Promise<void>((done) => {
      this.waiting.push({ job, argv: drop, done });
      this.left--;
      if (this.left <= 0) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), GRACE_MS);
    });
  }

  /** `job` will not run its before-commands (its cells were not taken): the others need not wait for it. */
  skip(job: Job): void {
    if (!dropOf(job)) return;
    this.left--;
    if (this.left <= 0 && this.waiting.length) this.flush();
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const groups = new Map<string, Waiting[]>();
    for (const w of this.waiting) {
      // Same program, machine, flags and environment: one command serves them all.
      const key = JSON.stringify([this.x.resolve(w.job, w.argv).slice(0, -1), w.job.node, w.job.env]);
      groups.set(key, [...(groups.get(key) ?? []), w]);
    }
    this.waiting = [];
    for (const group of groups.values()) void this.runGroup(group);
  }

  private async runGroup(group: Waiting[]): Promise<void> {
    const first = group[0]!;
    const names = [...new Set(group.map((w) => w.argv.at(-1)!))];
    const argv = [...first.argv.slice(0, -1), ...names];
    // Each job's output shows the command that cleared its name.
    for (const w of group.slice(1)) this.run.o.onCommand?.(w.job, this.x.resolve(first.job, argv));
    try {
      await this.x.run(first.job, argv, this.run);
    } catch {
      // ignored, as any before-command's failure
    } finally {
      for (const w of group) w.done();
    }
  }
}

/** The job's before-commands when they are exactly one `… manifest rm NAME`. */
function dropOf(job: Job): string[] | undefined {
  const argv = job.before?.length === 1 ? job.before[0]! : undefined;
  return argv && argv.length >= 4 && argv.at(-3) === 'manifest' && argv.at(-2) === 'rm' ? argv : undefined;
}
