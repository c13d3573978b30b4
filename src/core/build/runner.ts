import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ResolvedConfig } from '../config/types';
import { defaultPrograms, type EnginePrograms } from '../engines/detect';
import { hostPlatform } from '../engines/emulation';
import { progressParser } from '../insight/progress';
import type { ProgressParser } from '../insight/types';
import { cellId, type Cell, type EngineProgram, type Job, type Plan } from '../jobs';
import type { BuildRecord, CellStatus } from '../results/types';
import { parseBuildFailure, type BuildProblem } from './buildErrors';
import { CellLocks } from './cellLocks';
import { acquireCells, describeHeld, heldCells, type HeldCell } from './lockFiles';
import { discardStaging } from './cleanup';
import { engineQuery, type EngineQuery } from './engineQuery';
import { namedManifestLists, promoteFiles, removeUnnamedLists } from './promote';
import { runProcess, type ProcessResult } from './runProcess';
import { TaskQueue } from './taskQueue';
import { runPrePhase } from '../schedule/runSchedule';

export interface RunnerEvents {
  /** Every state change of every cell: queued → running → succeeded | failed | cancelled. */
  onStatus?(cell: Cell, status: CellStatus, record?: BuildRecord): void;
  /** Raw engine output, as it arrives. */
  onOutput?(job: Job, text: string): void;
  /** A command is about to run (argv as executed, for the log). */
  onCommand?(job: Job, argv: string[]): void;
  /** Queued cells wait on the pre-phase (pulls, shared-stage warm-ups): why, or undefined when they stop. */
  onWaiting?(cells: Cell[], reason: string | undefined): void;
}

export interface RunOptions extends RunnerEvents {
  signal?: AbortSignal;
  /** Run the other jobs when one fails (default: stop at the first failure). */
  keepGoing?: boolean;
  /** Wait for cells another run is building instead of failing with BusyError. */
  waitForBusy?: boolean;
  engineVersion?: string;
  /** The config the plan came from: used to locate failures in the right Dockerfile. */
  config?: ResolvedConfig;
}

export interface RunnerOptions {
  programs?: Partial<EnginePrograms>;
  /** Base environment for every command (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Jobs running at once. */
  concurrency?: number;
  /** Per command. */
  timeoutMs?: number;
  locks?: CellLocks;
  killGraceMs?: number;
}

export interface JobOutcome {
  job: Job;
  status: 'succeeded' | 'failed' | 'cancelled';
  records: BuildRecord[];
  problem?: BuildProblem;
}

export interface RunSummary {
  ok: boolean;
  outcomes: JobOutcome[];
  records: BuildRecord[];
}

export class BusyError extends Error {
  constructor(
    readonly cells: Cell[],
    /** Cells another process holds, with its pid. */
    readonly held: HeldCell[] = [],
  ) {
    super(held.length ? describeHeld(held) : `already building: ${cells.map((c) => `${c.variant} on ${c.platform}`).join(', ')}`);
  }
}

export const jobCells = (job: Job): Cell[] => job.cells ?? job.platforms.map((platform) => ({ variant: job.variant, platform }));

/** Executes a plan's jobs with limited parallelism, one build per cell at a time. */
export class BuildRunner {
  readonly locks: CellLocks;
  private readonly queue: TaskQueue;
  /** Per-step timings read from each running job's build output. */
  private readonly progress = new Map<Job, ProgressParser>();

  constructor(private readonly opts: RunnerOptions = {}) {
    this.locks = opts.locks ?? new CellLocks();
    this.queue = new TaskQueue(opts.concurrency ?? 3);
  }

  async run(plan: Plan, o: RunOptions = {}): Promise<RunSummary> {
    const cells = plan.jobs.flatMap(jobCells);
    const busy = this.locks.busy(cells);
    if (busy.length && !o.waitForBusy) throw new BusyError(busy);
    if (!o.waitForBusy) {
      const held = (await Promise.all(plan.jobs.map((j) => heldCells(j.cwd, jobCells(j))))).flat();
      if (held.length) throw new BusyError(held.map((h) => h.cell), held);
    }
    for (const c of cells) o.onStatus?.(c, 'queued');

    const stop = new AbortController();
    const onAbort = () => stop.abort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    if (o.signal?.aborted) stop.abort();
    try {
      const failedEarly = await this.prePhase(plan, o, stop.signal);
      if (failedEarly) return failedEarly;
      const outcomes = await Promise.all(
        plan.jobs.map((job) =>
          this.queue.run(async () => {
            const outcome = await this.runJob(job, o, stop.signal);
            if (outcome.status === 'failed' && !o.keepGoing) stop.abort();
            return outcome;
          }),
        ),
      );
      const records = outcomes.flatMap((x) => x.records);
      return { ok: outcomes.every((x) => x.status === 'succeeded'), outcomes, records };
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Pulls and shared-stage warm-ups (core/schedule) before any variant build; a failure there ends the
   * run: the cells that needed the failed step fail with its problem, the others are cancelled.
   */
  private async prePhase(plan: Plan, o: RunOptions, signal: AbortSignal): Promise<RunSummary | undefined> {
    if (!plan.pulls?.length && !plan.warmup?.length) return undefined;
    const startedAt = new Date();
    const pre = await runPrePhase(
      plan,
      {
        exec: (job, argv) => this.exec(job, argv, o, signal),
        ...(o.onWaiting ? { onWaiting: (cells: Cell[], reason: string | undefined) => o.onWaiting!(cells, reason) } : {}),
      },
      signal,
    );
    if (pre.ok) return undefined;
    await this.discard(pre.job, o);
    const failed = new Set(pre.failedCells.map(cellId));
    const problem: BuildProblem | undefined = pre.cancelled
      ? undefined
      : pre.result && pre.job.dockerfile
        ? await this.problem(pre.job, o, pre.result, pre.job.argv).then((p) => ({ ...p, message: `${pre.message}: ${p.message}` }))
        : { message: pre.message };
    const outcomes = plan.jobs.map((job) =>
      !pre.cancelled && jobCells(job).some((c) => failed.has(cellId(c)))
        ? this.finish(job, o, startedAt, 'failed', pre.result, problem)
        : this.finish(job, o, startedAt, 'cancelled'),
    );
    return { ok: false, outcomes, records: outcomes.flatMap((x) => x.records) };
  }

  private async runJob(job: Job, o: RunOptions, signal: AbortSignal): Promise<JobOutcome> {
    const cells = jobCells(job);
    const startedAt = new Date();
    this.progress.set(job, progressParser(job));
    let release: (() => void) | undefined;
    let releaseFiles: (() => Promise<void>) | undefined;
    try {
      release = await this.locks.acquire(cells, signal);
      // Then the cells' lock files, so another process (a second window, a terminal) never builds them at the same time.
      const files = await acquireCells(job.cwd, cells, {
        wait: o.waitForBusy ?? false,
        signal,
        onWait: (held) => o.onOutput?.(job, `waiting: ${describeHeld(held)}\n`),
      });
      if ('held' in files) {
        release();
        return this.finish(job, o, startedAt, 'failed', undefined, { message: describeHeld(files.held) });
      }
      releaseFiles = files.release;
    } catch {
      release?.();
      return this.finish(job, o, startedAt, 'cancelled');
    }
    try {
      if (signal.aborted) return this.finish(job, o, startedAt, 'cancelled');
      for (const c of cells) o.onStatus?.(c, 'running');
      await ensureOutputDirs(job);
      for (const argv of job.before ?? []) {
        await this.exec(job, argv, o, signal); // failures ignored: cleanup of a previous result
      }
      const replaced = job.staging?.replaces ? await namedManifestLists(this.program(job, 'podman'), job.staging.replaces, this.query()) : [];
      for (const argv of [job.argv, ...(job.after ?? [])]) {
        const r = await this.exec(job, argv, o, signal);
        const status = r.cancelled || signal.aborted ? 'cancelled' : r.exitCode !== 0 ? 'failed' : undefined;
        if (!status) continue;
        const problem = status === 'failed' ? await this.problem(job, o, r, argv) : undefined;
        await this.discard(job, o);
        return this.finish(job, o, startedAt, status, r, problem);
      }
      if (job.staging) {
        try {
          await promoteFiles(job.staging);
        } catch (err) {
          await this.discard(job, o);
          return this.finish(job, o, startedAt, 'failed', undefined, { message: `could not move the output into place: ${(err as Error).message}` });
        }
        await removeUnnamedLists(this.program(job, 'podman'), replaced, this.query());
      }
      return this.finish(job, o, startedAt, 'succeeded');
    } finally {
      await releaseFiles?.();
      release?.();
    }
  }

  /** After a failure or cancel: the temporary names, partial files and working containers go; the user's images stay. */
  private async discard(job: Job, o: RunOptions): Promise<void> {
    if (!job.staging) return;
    const removed = await discardStaging(job.staging, this.program(job, 'podman'), this.query(), (argv) => this.resolve(job, argv));
    if (removed.length) o.onOutput?.(job, `removed ${removed.length} working container(s) or half-committed image(s) the interrupted build left behind\n`);
  }

  private resolve(job: Job, argv: string[]): string[] {
    return job.program ? [this.program(job, job.program), ...argv.slice(1)] : argv;
  }

  private program(job: Job, fallback: EngineProgram): string {
    return { ...defaultPrograms, ...this.opts.programs }[job.program ?? fallback];
  }

  private query(): EngineQuery {
    return engineQuery(this.opts.env ?? process.env);
  }

  private exec(job: Job, argv: string[], o: RunOptions, signal: AbortSignal): Promise<ProcessResult> {
    const resolved = this.resolve(job, argv);
    o.onCommand?.(job, resolved);
    return runProcess(resolved, {
      cwd: job.cwd,
      env: { ...(this.opts.env ?? process.env), ...job.env },
      signal,
      ...(this.opts.timeoutMs !== undefined ? { timeoutMs: this.opts.timeoutMs } : {}),
      ...(this.opts.killGraceMs !== undefined ? { killGraceMs: this.opts.killGraceMs } : {}),
      onOutput: (text) => {
        if (argv === job.argv) this.progress.get(job)?.feed(text, Date.now());
        o.onOutput?.(job, text);
      },
    });
  }

  private async problem(job: Job, o: RunOptions, r: ProcessResult, argv: string[]): Promise<BuildProblem> {
    const path = job.dockerfile ?? o.config?.variants.find((v) => v.name === job.variant)?.dockerfile;
    const text = path ? await readFile(path, 'utf8').catch(() => undefined) : undefined;
    const parsed = parseBuildFailure(r.output, path && text !== undefined ? { path, text } : undefined);
    const why = r.spawnError
      ? `${argv[0]} could not start (${r.spawnError}); is it installed?`
      : r.timedOut
        ? `timed out after ${this.opts.timeoutMs} ms`
        : undefined;
    if (why) return { message: why };
    return parsed ?? { message: `${argv.slice(0, 3).join(' ')} exited with ${r.exitCode ?? r.signal}` };
  }

  private finish(
    job: Job,
    o: RunOptions,
    startedAt: Date,
    status: JobOutcome['status'],
    r?: ProcessResult,
    problem?: BuildProblem,
  ): JobOutcome {
    const durationMs = Date.now() - startedAt.getTime();
    const host = hostPlatform();
    const timings = this.progress.get(job)?.finish(Date.now()) ?? {};
    this.progress.delete(job);
    const records = jobCells(job).map((cell): BuildRecord => {
      const image = job.cellImages?.[cellId(cell)] ?? job.platformTags?.[cell.platform] ?? job.tags[0];
      return {
        ...cell,
        engine: job.engine,
        ...(o.engineVersion ? { engineVersion: o.engineVersion } : {}),
        output: job.output,
        status,
        startedAt: startedAt.toISOString(),
        durationMs,
        ...(image && status === 'succeeded' ? { image } : {}),
        ...(job.ociPath && status === 'succeeded' ? { ociPath: job.ociPath } : {}),
        ...(r?.exitCode !== undefined ? { exitCode: r.exitCode } : {}),
        ...(problem ? { error: problem.message } : status === 'cancelled' ? { error: 'cancelled' } : {}),
        // Local engines build a foreign platform under QEMU; a buildx builder may have a native node for it.
        ...(job.engine !== 'buildx' ? { emulated: cell.platform !== host } : {}),
        ...(timings[cellId(cell)] ? { timing: timings[cellId(cell)] } : {}),
      };
    });
    records.forEach((rec) => o.onStatus?.({ variant: rec.variant, platform: rec.platform }, status, rec));
    return { job, status, records, ...(problem ? { problem } : {}) };
  }
}

/** Writes the files a job needs (the bake file) and creates the folders engines expect to exist. */
async function ensureOutputDirs(job: Job): Promise<void> {
  for (const [file, content] of Object.entries(job.files ?? {})) {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  for (const f of [job.ociPath, job.metadataFile]) if (f) await mkdir(dirname(f), { recursive: true });
}
