import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { cellId, jobCells, type Cell, type Job, type Plan, type ImagePull, type Warmup } from '../jobs';
import { messageOf, type Failed } from '../errors';
import { onNode } from '../nodes/endpoint';
import { localAvailability } from '../engines/emulation';
import type { EmulationReserve } from './emulationReserve';
import { podmanPullOnce } from './podmanPull';

export const WAITING_FOR_PULLS = 'pulling base images';
export const WAITING_FOR_WARMUP = 'waiting for shared stage deps';
export const WAITING_FOR_CORE = 'leaving a core to the emulated shared stage';

/** A pre-phase step as a job the runner can execute and log like a build (its cells get its output). */
export function stepJob(
  plan: Plan,
  step: { kind: 'pull'; pulls: ImagePull[] } | { kind: 'warmup'; warmup: Warmup },
): Job {
  if (step.kind === 'pull') {
    const image = step.pulls[0]!.image;
    return {
      id: `pull:${image}`,
      engine: plan.engine,
      variant: '',
      platforms: step.pulls.map((p) => p.platform),
      output: 'load',
      tags: [],
      cells: uniqueCells(step.pulls.flatMap((p) => p.cells)),
      argv: ['podman', 'pull', image],
      program: 'podman',
      cwd: '.',
      ...(step.pulls[0]!.node ? { node: step.pulls[0]!.node } : {}),
    };
  }
  const w = step.warmup;
  return {
    id: `warmup:${w.stage}@${w.platforms.join(',')}`,
    engine: plan.engine,
    variant: '',
    platforms: w.platforms,
    output: 'load',
    tags: [],
    cells: w.cells,
    argv: w.argv,
    program: w.program,
    dockerfile: w.dockerfile,
    cwd: w.cwd,
    ...(w.env ? { env: w.env } : {}),
    ...(w.node ? { node: w.node } : {}),
    ...(w.marker ? { staging: { discard: [], marker: w.marker } } : {}),
  };
}

function uniqueCells(cells: Cell[]): Cell[] {
  const seen = new Set<string>();
  return cells.filter((c) => {
    const k = cellId(c);
    return !seen.has(k) && !!seen.add(k);
  });
}

export interface StepResult {
  exitCode?: number;
  output: string;
  cancelled?: boolean;
}

export interface PrePhaseHooks<R extends StepResult> {
  /** Runs one command of a step (argv[0] is the program's plan name). */
  exec(job: Job, argv: string[]): Promise<R>;
  /** Runs a command that must run even after a cancel (restoring a name the step moved); default `exec`. */
  execUncancellable?(job: Job, argv: string[]): Promise<R>;
  /** Cells that wait on the pre-phase (reason), or stop waiting (undefined). */
  onWaiting?(cells: Cell[], reason: string | undefined): void;
  /** A warm-up is about to run its build; `job` is what its commands run as. */
  onWarmupStart?(warmup: Warmup, job: Job): void;
  /** A warm-up ended; `built` when its build succeeded. */
  onWarmupEnd?(warmup: Warmup, job: Job, built: boolean): void;
  /** A warm-up was skipped: nothing it reads changed since it last built, and its image is still there. */
  onWarmupSkipped?(warmup: Warmup, job: Job): void;
}

/** What decides that a warm-up need not run again (warmupSkip.ts), and hears of each one that built. */
export interface WarmupSkip {
  unchanged(w: Warmup): Promise<boolean>;
  built(w: Warmup, output: string): Promise<void>;
  /** What `unchanged` started for `w` has ended: awaited when the warm-up ends, so no query outlives the run. */
  settled(w: Warmup): Promise<void>;
}

export type PrePhaseResult<R extends StepResult> =
  { ok: true } | { ok: false; cancelled: boolean; job: Job; message: string; result?: R; failedCells: Cell[] };

/** The run's pulls, started: a warm-up waits only for the pulls of its own cells. */
export interface PullGates<R extends StepResult> {
  /** Resolves once every pull that any of `cells` needs has ended: ok, or the first that failed or was cancelled. */
  wait(cells: Cell[]): Promise<PrePhaseResult<R>>;
  /** Every pull ended: ok, or the first failure (nothing is built after a failed pull). */
  all: Promise<PrePhaseResult<R>>;
}

/**
 * Starts the plan's pulls: each image's platforms one after the other, images in parallel. An emulated
 * platform (any but `native`) is pulled first and is ready as soon as its own pull is done, so its warm-up,
 * the run's longest step, starts while the native platform is pulled.
 */
export function startPulls<R extends StepResult>(
  plan: Plan,
  hooks: PrePhaseHooks<R>,
  { signal, native }: { signal: AbortSignal; native?: string | undefined },
): PullGates<R> {
  const pulls = plan.pulls ?? [];
  if (!pulls.length) return { wait: async () => ({ ok: true }), all: Promise.resolve({ ok: true }) };
  const allCells = uniqueCells(plan.jobs.flatMap(jobCells));
  hooks.onWaiting?.(allCells, WAITING_FOR_PULLS);
  // A cell that no pull lists (its stages start FROM scratch) still builds only after every pull.
  const pulled = new Set(pulls.flatMap((p) => p.cells.map(cellId)));
  const ready = new Map<ImagePull, { done: Promise<PrePhaseResult<R>>; settle: (r: PrePhaseResult<R>) => void }>();
  for (const p of pulls) {
    let settle!: (r: PrePhaseResult<R>) => void;
    const done = new Promise<PrePhaseResult<R>>((resolve) => (settle = resolve));
    ready.set(p, { done, settle });
  }
  // Each store pulls its own: per node, each image once.
  const byImage = new Map<string, ImagePull[]>();
  for (const p of pulls) {
    const key = `${p.node ?? ''}\0${p.image}`;
    byImage.set(key, [...(byImage.get(key) ?? []), p]);
  }
  // Native as the emulation reserve and the job order judge it (linux/386 runs natively on amd64, say).
  const isNative = (p: ImagePull) => !!native && localAvailability(p.platform, native, []).state === 'native';
  const groups = [...byImage.values()].map(async (unordered): Promise<PrePhaseResult<R>> => {
    const group = native ? [...unordered.filter((p) => !isNative(p)), ...unordered.filter(isNative)] : unordered;
    const job = stepJob(plan, { kind: 'pull', pulls: group });
    const node = plan.nodes?.find((n) => n.name === job.node);
    const waiting = new Set(group);
    const stopWaiting = (p: ImagePull) => waiting.delete(p) && hooks.onWaiting?.(p.cells, undefined);
    const readyNow = (p: ImagePull) => {
      stopWaiting(p);
      ready.get(p)!.settle({ ok: true });
    };
    const r = await podmanPullOnce(
      group[0]!.image,
      group.map((p) => p.platform),
      {
        exec: (argv) => hooks.exec(job, onNode(argv, node)),
        restore: (argv) => (hooks.execUncancellable ?? hooks.exec)(job, onNode(argv, node)),
        onReady: (platform) => group.filter((p) => p.platform === platform).forEach(readyNow),
        together: allAtOnce(plan, group),
      },
    );
    const result: PrePhaseResult<R> = r.ok
      ? { ok: true }
      : {
          ok: false,
          cancelled: !!r.cancelled,
          job,
          message: `pulling ${group[0]!.image} for ${r.platform} failed: ${r.message}`,
          failedCells: group
            .filter((p) => p.platform === r.platform || r.platform.includes(','))
            .flatMap((p) => p.cells),
        };
    for (const p of group) {
      stopWaiting(p);
      ready.get(p)!.settle(result);
    }
    return result;
  });
  const all = Promise.all(groups).then((results): PrePhaseResult<R> => {
    const unlisted = allCells.filter((c) => !pulled.has(cellId(c)));
    if (unlisted.length) hooks.onWaiting?.(unlisted, undefined);
    const failed = results.find((r) => !r.ok);
    if (failed) return failed;
    if (signal.aborted)
      return {
        ok: false,
        cancelled: true,
        job: stepJob(plan, { kind: 'pull', pulls }),
        message: 'cancelled',
        failedCells: [],
      };
    return { ok: true };
  });
  return {
    async wait(cells) {
      const keys = new Set(cells.map(cellId));
      const results = await Promise.all(
        pulls.filter((p) => p.cells.some((c) => keys.has(cellId(c)))).map((p) => ready.get(p)!.done),
      );
      return results.find((r) => !r.ok) ?? { ok: true };
    },
    all,
  };
}

/**
 * Whether no build of `group`'s image can start before all its platforms are pulled: no warm-up (each builds
 * one platform), and every job that uses the image builds all of them in one call (no one-platform job, no
 * parts). Then pulling them one by one, each ready in turn, gains nothing.
 */
function allAtOnce(plan: Plan, group: ImagePull[]): boolean {
  if (plan.warmup?.length) return false;
  const users = new Set(group.flatMap((p) => p.cells.map(cellId)));
  return plan.jobs
    .filter((j) => jobCells(j).some((c) => users.has(cellId(c))))
    .every((j) => !j.parts?.length && group.every((p) => j.platforms.includes(p.platform)));
}

/** The shared-stage warm-ups of a run, started side by side; builds wait only for the ones their cells need. */
export interface WarmupGates<R extends StepResult> {
  /** Resolves once every warm-up that any of `cells` needs has ended: ok, or the first one that failed or was cancelled. */
  wait(cells: Cell[]): Promise<PrePhaseResult<R>>;
}

/**
 * Starts every warm-up at once (each builds one platform). A cell's builds wait for the warm-ups that list
 * it, so a platform whose shared stages are done starts its variant builds while an emulated platform's
 * warm-up still runs. `onFailed` is told of the first failure (the caller stops the run). With a `reserve`,
 * an emulated warm-up keeps a core while it runs (emulationReserve.ts).
 */
export function startWarmups<R extends StepResult>(
  plan: Plan,
  hooks: PrePhaseHooks<R>,
  {
    signal,
    onFailed,
    reserve,
    pulls,
    skip,
  }: {
    signal: AbortSignal;
    onFailed: (failure: Failed<PrePhaseResult<R>>) => void;
    reserve?: EmulationReserve;
    /** Skips a warm-up whose inputs are unchanged (warmupSkip.ts). */
    skip?: WarmupSkip;
    /** A warm-up starts once its own cells' pulls are done; a failed pull is the pulls' to report. */
    pulls?: PullGates<R>;
  },
): WarmupGates<R> {
  let failedOnce = false;
  const runs = (plan.warmup ?? []).map((w) => {
    let ran = false;
    // An emulated warm-up keeps its core until its variant builds have queued for a slot, which they do once
    // `done` settles; a native build waiting on the reserve would take the slot first (emulationReserve.ts priority).
    let gateOpened!: () => void;
    const holdUntil = new Promise<void>((r) => (gateOpened = r));
    const done = (async (): Promise<PrePhaseResult<R>> => {
      const job = stepJob(plan, { kind: 'warmup', warmup: w });
      const pulled = await (pulls?.wait(w.cells) ?? { ok: true as const });
      if (!pulled.ok) return { ...pulled, cancelled: true };
      if (signal.aborted) return { ok: false, cancelled: true, job, message: 'cancelled', failedCells: [] };
      if (await skip?.unchanged(w).catch(() => false)) {
        hooks.onWarmupSkipped?.(w, job);
        return { ok: true };
      }
      if (signal.aborted) {
        await skip?.settled(w).catch(() => {});
        return { ok: false, cancelled: true, job, message: 'cancelled', failedCells: [] };
      }
      ran = true;
      hooks.onWaiting?.(w.cells, WAITING_FOR_WARMUP);
      let built = false;
      try {
        await writeFiles(w.files);
        hooks.onWarmupStart?.(w, job);
        const build = () => hooks.exec(job, w.argv);
        const r = await (reserve && w.platforms.length === 1
          ? reserve.run({ platform: w.platforms[0]!, kind: 'warmup', holdUntil }, build)
          : build());
        if (r.cancelled || signal.aborted)
          return { ok: false, cancelled: true, job, message: 'cancelled', result: r, failedCells: [] };
        if (r.exitCode !== 0) {
          return {
            ok: false,
            cancelled: false,
            job,
            message: `building the shared stage "${w.stage}" for ${w.platforms.join(', ')} failed`,
            result: r,
            failedCells: w.cells,
          };
        }
        built = true;
        await skip?.built(w, r.output).catch(() => {});
        return { ok: true };
      } catch (err) {
        return {
          ok: false,
          cancelled: false,
          job,
          message: `preparing the warm-up of "${w.stage}" failed: ${messageOf(err)}`,
          failedCells: w.cells,
        };
      } finally {
        hooks.onWarmupEnd?.(w, job, built);
        await Promise.all([removeFiles(w.files), skip?.settled(w).catch(() => {})]);
        hooks.onWaiting?.(w.cells, undefined);
      }
    })().then((r) => {
      if (!r.ok && ran && !failedOnce) {
        failedOnce = true;
        onFailed(r);
      }
      // After every promise chain waiting on `done` (the builds it lets start) has moved on.
      setImmediate(gateOpened);
      return r;
    });
    return { keys: new Set(w.cells.map(cellId)), done };
  });
  return {
    async wait(cells) {
      const keys = cells.map(cellId);
      const results = await Promise.all(runs.filter((r) => keys.some((k) => r.keys.has(k))).map((r) => r.done));
      return results.find((r) => !r.ok && !r.cancelled) ?? results.find((r) => !r.ok) ?? { ok: true };
    },
  };
}

/** A warm-up's generated files (its cut Dockerfile), written before it runs. */
async function writeFiles(files: Record<string, string> | undefined): Promise<void> {
  for (const [file, text] of Object.entries(files ?? {})) {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
  }
}

/** Removed when the warm-up ends, whatever happened: only the variants' own Dockerfiles stay. */
async function removeFiles(files: Record<string, string> | undefined): Promise<void> {
  await Promise.all(Object.keys(files ?? {}).map((f) => rm(f, { force: true })));
}
