import { jobCells, type Cell, type Job, type Warmup } from '../jobs';
import type { CellLocks } from './cellLocks';
import { acquireCells, describeHeld, type HeldCell } from './lockFiles';
import { LaneOrphans, taggedImages } from './cleanup';
import { removeOrphans, type JobStore } from './discardJob';
import type { JobExec } from './jobExec';
import { LaneDrops } from './laneDrops';
import { namedManifestLists } from './promote';
import type { RunOptions } from './runnerTypes';
import { WarmupTimings } from './warmupTimings';

/**
 * Clears what a killed earlier build of the job left: its working containers and its temporary list (the job's
 * `before` commands, failures ignored; with the lane's other jobs' lists, LaneDrops). Both come before its build;
 * neither touches what the other removes, so they run side by side.
 */
export async function clearLeftovers(
  store: JobStore,
  { orphans, drops }: { orphans: LaneOrphans | undefined; drops: LaneDrops },
): Promise<void> {
  await Promise.all([removeOrphans(store, orphans), drops.before(store.job)]);
}

/** The working containers killed builds left, listed once for a lane's podman jobs on this machine (LaneOrphans). */
export function laneOrphans(x: JobExec, jobs: Job[]): LaneOrphans | undefined {
  const marked = jobs.find((j) => j.engine === 'podman' && !j.node && j.staging?.marker);
  if (!marked) return undefined;
  const root = x.podmanStoreRoot(marked);
  return new LaneOrphans(x.program(marked, 'podman'), { run: x.query(marked), ...(root ? { root } : {}) });
}

/**
 * What the user's tags name now: needed only once a build succeeded and before its after-steps move them (no
 * build moves a tag), so asked beside the build, off its critical path (bench/README.md, "A build slot is for a
 * build"). `queries` settles when the answers asked beside the build are in (await it before any return, so no
 * query outlives the job and a failure is never left unhandled); `asked` gives them. A rebuild that will most
 * likely leave the tags where they are (`job.madeBefore`, madeAgain.ts) asks for the lists only if they move:
 * `asked(true)` says they stay.
 */
export function askTags(x: JobExec, job: Job) {
  const lists = () =>
    job.staging?.replaces
      ? namedManifestLists(job.staging.replaces, {
          program: x.program(job, 'podman'),
          run: x.query(job),
          // Only when `podman images` fails: reading the files first asks `podman info` where they are.
          store: () => x.podmanStore(job)(),
        }).then((ids) => {
          // Removing them reads the store's files, whose place `podman info` says (slow): asked now, beside the build,
          // rather than after the lane's last build.
          if (ids.length) void x.podmanStoreRoot(job)?.();
          return ids;
        })
      : Promise.resolve([]);
  const beside = job.madeBefore ? undefined : lists();
  const previous = job.staging?.restores
    ? taggedImages(x.program(job, 'docker'), job.staging.restores, x.query(job))
    : Promise.resolve(undefined);
  const queries = Promise.allSettled([beside, previous]);
  const asked = async (tagsStay = false) => {
    await queries;
    const replaced = tagsStay ? [] : await (beside ?? lists());
    return { replaced, previous: await previous };
  };
  return { queries, asked };
}

/** The pulls' and warm-ups' hooks into the runner: their commands, waiting cells, and the warm-ups' timings. */
export function prePhaseHooks({
  exec,
  warmups,
  o,
  signal,
}: {
  exec: JobExec;
  warmups: WarmupTimings;
  o: RunOptions;
  signal: AbortSignal;
}) {
  return {
    exec: (job: Job, argv: string[]) => exec.run(job, argv, { o, signal }),
    execUncancellable: (job: Job, argv: string[]) => exec.run(job, argv, { o, signal: new AbortController().signal }),
    onWaiting: (cells: Cell[], reason: string | undefined) => o.onWaiting?.(cells, reason),
    onWarmupStart: (_w: Warmup, job: Job) => void exec.progress.set(job, WarmupTimings.progress(job)),
    onWarmupSkipped: (w: Warmup, job: Job) =>
      o.onOutput?.(
        job,
        `shared steps of "${w.stage}" for ${w.platforms.join(', ')}: nothing they read changed since they were built, and their image is still in the store; not built again\n`,
      ),
    onWarmupEnd: (w: Warmup, job: Job, built: boolean) => {
      warmups.ended(w, { progress: exec.progress.get(job), built, now: Date.now() });
      exec.progress.delete(job);
    },
  };
}

/** A job's cells taken (lockCells), or why not. */
export type JobLock = Awaited<ReturnType<typeof lockCells>>;

/**
 * What a job does before its build that needs no build slot: its cells locked, then what a killed earlier build
 * of it left cleared (clearLeftovers, failures ignored). Started for every job of a lane at the lane's start,
 * beside the pulls and while the job waits for a slot: in the slot it held up the build behind it
 * (bench/README.md, "A job's clean-up before its slot").
 */
export async function prepareJob(
  store: JobStore,
  lane: { locks: CellLocks; signal: AbortSignal; orphans: LaneOrphans | undefined; drops: LaneDrops },
): Promise<JobLock> {
  const { locks, signal } = lane;
  const locked = await lockCells(locks, store.job, { o: store.o, signal });
  if (typeof locked === 'object' && 'release' in locked && !signal.aborted)
    await clearLeftovers(store, lane).catch(() => {});
  else lane.drops.skip(store.job);
  return locked;
}

/**
 * prepareJob for every job of a lane, started at once; `locked` gives a job's lock, `release` frees its cells once
 * the job has ended or never got to build (a failed pull or warm-up, a cancel).
 */
export function prepareLane(
  jobs: Job[],
  { exec, o, locks, signal }: { exec: JobExec; o: RunOptions; locks: CellLocks; signal: AbortSignal },
  orphans: LaneOrphans | undefined,
) {
  const drops = new LaneDrops(exec, jobs, { o, signal });
  const prepared = new Map(jobs.map((job) => [job, prepareJob({ exec, job, o }, { locks, signal, orphans, drops })]));
  return {
    locked: (job: Job) => prepared.get(job)!,
    release: async (job: Job) => {
      const locked = await prepared.get(job)!;
      if (typeof locked === 'object' && 'release' in locked) await locked.release();
    },
  };
}

/**
 * Takes the job's cells: this process's locks, then the cells' lock files, so another process (a second window, a
 * terminal) never builds them at the same time. `held` names who holds them (unless told to wait); 'cancelled'
 * when the run stopped meanwhile.
 */
export async function lockCells(
  locks: CellLocks,
  job: Job,
  { o, signal }: { o: RunOptions; signal: AbortSignal },
): Promise<{ release: () => Promise<void> } | { held: HeldCell[] } | 'cancelled'> {
  const cells = jobCells(job);
  let release: (() => void) | undefined;
  try {
    release = await locks.acquire(cells, signal);
    const files = await acquireCells(job.cwd, cells, {
      wait: o.waitForBusy ?? false,
      signal,
      onWait: (held) => o.onOutput?.(job, `waiting: ${describeHeld(held)}\n`),
    });
    if ('held' in files) {
      release();
      return { held: files.held };
    }
    const own = release;
    return {
      release: async () => {
        await files.release();
        own();
      },
    };
  } catch {
    release?.();
    return 'cancelled';
  }
}
