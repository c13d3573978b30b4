import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { defaultPrograms } from '../engines/detect';
import { hostPlatform } from '../engines/emulation';
import { cellId, jobCells, type Cell, type EngineProgram, type Job, type Plan } from '../jobs';
import type { BuildRecord } from '../results/types';
import { parseBuildFailure, type BuildProblem } from './buildErrors';
import { CellLocks } from './cellLocks';
import { acquireCells, describeHeld, heldCells } from './lockFiles';
import { ensureOutputDirs, pinPartImages, removePartFiles } from './jobFiles';
import { jobRecords } from './jobRecords';
import { keptParts, mergeIndex, pinnedImages } from './keepPlatforms';
import { loadRegistryHosts, RegistryClient, type IndexPart } from '../registry';
import { messageOf } from '../errors';
import { JobProgress } from './jobProgress';
import { explainPush, pushedRef, retryWatch } from './pushFailure';
import {
  discardStaging,
  orphanedWorkingContainers,
  removeRemoteWorkingContainers,
  restoreTags,
  taggedImages,
} from './cleanup';
import { engineQuery, type EngineQuery } from './engineQuery';
import { namedManifestLists, promoteFiles, removeUnnamedLists } from './promote';
import { runProcess, type ProcessResult } from './runProcess';
import { TaskQueue } from '../taskQueue';
import { buildOwnerArg } from '../engines/staging';
import { processOwner } from '../state/lockFile';
import { EmulationReserve } from '../schedule/emulationReserve';
import { runPulls, startWarmups, type PrePhaseResult, type WarmupGates } from '../schedule/runSchedule';
import { runParts } from './runParts';
import { describeNode, onNode } from '../nodes/endpoint';
import { nodeName } from '../nodes/placement';
import { deliverNodeOutputs } from '../nodes/deliver';
import { probeNode } from '../nodes/probe';
import { LOCAL_NODE, type BuildNode } from '../nodes/types';

export {
  BusyError,
  nodeTimeoutMs,
  type JobOutcome,
  type RunnerEvents,
  type RunnerOptions,
  type RunOptions,
  type RunSummary,
} from './runnerTypes';
import {
  BusyError,
  DEFAULT_CONCURRENCY,
  nodeTimeoutMs,
  type JobOutcome,
  type RunnerOptions,
  type RunOptions,
  type RunSummary,
} from './runnerTypes';

/** Executes a plan's jobs with limited parallelism, one build per cell at a time. */
export class BuildRunner {
  readonly locks: CellLocks;
  /** One queue per machine: `concurrency` (maxParallelJobs) is a limit per node. */
  private readonly queues = new Map<string, TaskQueue>();
  /** Per-step timings read from each running job's build output (one parser per build process). */
  private readonly progress = new Map<Job, JobProgress>();
  /** Engine version each build node answered with, for its records. */
  private readonly nodeVersions = new Map<string, string>();
  private readonly knownNodes = new Map<string, BuildNode>();

  constructor(private readonly opts: RunnerOptions = {}) {
    this.locks = opts.locks ?? new CellLocks();
  }

  async run(plan: Plan, o: RunOptions = {}): Promise<RunSummary> {
    const cells = plan.jobs.flatMap(jobCells);
    const busy = this.locks.busy(cells);
    if (busy.length && !o.waitForBusy) throw new BusyError(busy);
    if (!o.waitForBusy) {
      const held = (await Promise.all(plan.jobs.map((j) => heldCells(j.cwd, jobCells(j))))).flat();
      if (held.length)
        throw new BusyError(
          held.map((h) => h.cell),
          held,
        );
    }
    for (const c of cells) o.onStatus?.(c, 'queued');
    for (const n of plan.nodes ?? []) this.knownNodes.set(n.name, n);

    const stop = new AbortController();
    const onAbort = () => stop.abort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    if (o.signal?.aborted) stop.abort();
    try {
      // One lane per machine, side by side: each asks its node first, then pulls and warms up in its own
      // store, then builds with its own limit of parallel jobs.
      const lanes = [LOCAL_NODE, ...(plan.nodes ?? []).map((n) => n.name)];
      const done = await Promise.all(
        lanes.map((lane) => {
          const node = plan.nodes?.find((n) => n.name === lane);
          const jobs = plan.jobs.filter((j) => nodeName(j) === lane);
          if (!jobs.length) return [];
          const lanePlan: Plan = {
            ...plan,
            jobs,
            ...(plan.pulls ? { pulls: plan.pulls.filter((p) => (p.node ?? LOCAL_NODE) === lane) } : {}),
            ...(plan.warmup ? { warmup: plan.warmup.filter((w) => (w.node ?? LOCAL_NODE) === lane) } : {}),
          };
          return this.runLane(lanePlan, node, o, stop);
        }),
      );
      const byJob = new Map(done.flat().map((x) => [x.job, x]));
      const outcomes = await this.deliverAll(
        plan,
        plan.jobs.map((j) => byJob.get(j)!),
        o,
        stop.signal,
      );
      const records = outcomes.flatMap((x) => x.records);
      return { ok: outcomes.every((x) => x.status === 'succeeded'), outcomes, records };
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * What build nodes built goes where the variant's output says once the variant's jobs are done
   * (core/nodes/deliver.ts); a cell whose image did not get there fails with the reason.
   */
  private async deliverAll(
    plan: Plan,
    outcomes: JobOutcome[],
    o: RunOptions,
    signal: AbortSignal,
  ): Promise<JobOutcome[]> {
    if (
      !plan.nodes?.length ||
      !o.config ||
      signal.aborted ||
      !outcomes.some((x) => x.job.node && x.status === 'succeeded')
    )
      return outcomes;
    const first = outcomes.find((x) => x.job.node)!.job;
    const delivery = await deliverNodeOutputs(o.config, plan, outcomes, {
      localEngine: plan.engine === 'podman' ? 'podman' : 'docker',
      env: this.opts.env ?? process.env,
      signal,
      onOutput: (text: string) => o.onOutput?.(first, text),
      ...(this.opts.programs ? { programs: this.opts.programs } : {}),
    });
    const failed = new Map(delivery.failed.map((f) => [cellId(f.cell), f.message]));
    // A merged variant's cells all live in its one archive now (sizes and verify read it from the records).
    const merged = (x: JobOutcome): JobOutcome => ({
      ...x,
      records: x.records.map((r) =>
        r.status === 'succeeded' && delivery.ociPaths[r.variant] ? { ...r, ociPath: delivery.ociPaths[r.variant] } : r,
      ),
    });
    if (!failed.size) return outcomes.map(merged);
    return outcomes.map((x) => {
      if (!jobCells(x.job).some((c) => failed.has(cellId(c)))) return merged(x);
      const records = x.records.map((r): BuildRecord => {
        const message = failed.get(cellId(r));
        return message ? { ...r, status: 'failed', error: message } : r;
      });
      records.forEach(
        (r) => failed.has(cellId(r)) && o.onStatus?.({ variant: r.variant, platform: r.platform }, 'failed', r),
      );
      return {
        ...x,
        status: 'failed',
        records,
        problem: { message: records.find((r) => r.error)?.error ?? 'delivery failed' },
      };
    });
  }

  private async runLane(
    plan: Plan,
    node: BuildNode | undefined,
    o: RunOptions,
    stop: AbortController,
  ): Promise<JobOutcome[]> {
    if (node) {
      const startedAt = new Date();
      const probe = await (this.opts.probe ?? probeNode)(node, {
        timeoutMs: this.opts.nodeTimeoutMs ?? nodeTimeoutMs,
        signal: stop.signal,
        ...(this.opts.env ? { env: this.opts.env } : {}),
        ...(this.opts.programs ? { programs: this.opts.programs } : {}),
      });
      if (stop.signal.aborted) return plan.jobs.map((job) => this.finish(job, o, startedAt, 'cancelled'));
      // A node that does not answer costs only its own cells: the other lanes go on.
      if (!probe.reachable)
        return plan.jobs.map((job) =>
          this.finish(job, o, startedAt, 'failed', undefined, {
            message: probe.error ?? `node ${describeNode(node)} did not answer`,
          }),
        );
      if (probe.engineVersion) this.nodeVersions.set(node.name, probe.engineVersion);
    }
    const startedAt = new Date();
    const pulled = await runPulls(plan, this.preHooks(o, stop.signal), stop.signal);
    if (!pulled.ok) {
      if (!o.keepGoing) stop.abort();
      return this.failedBeforeBuild(plan, o, startedAt, pulled);
    }
    let warmupProblem: Promise<BuildProblem | undefined> | undefined;
    // This machine's cores only: a build node's client process is not where its build runs.
    const reserve =
      !node && plan.warmup?.length
        ? new EmulationReserve(this.opts.cores ?? availableParallelism(), hostPlatform())
        : undefined;
    const gates = startWarmups(
      plan,
      this.preHooks(o, stop.signal),
      stop.signal,
      (failure) => {
        // The cells waiting on a failed warm-up never build; without keepGoing nothing else does either.
        if (!o.keepGoing) stop.abort();
        warmupProblem = this.discard(failure.job, o).then(() => this.preProblem(failure, o));
      },
      reserve,
    );
    const gateFailed = async (job: Job, gate: Extract<PrePhaseResult<ProcessResult>, { ok: false }>) => {
      const problem = gate.cancelled ? undefined : await warmupProblem;
      const failed =
        !gate.cancelled && jobCells(job).some((c) => gate.failedCells.some((f) => cellId(f) === cellId(c)));
      return failed
        ? this.finish(job, o, startedAt, 'failed', gate.result, problem)
        : this.finish(job, o, startedAt, 'cancelled');
    };
    const lane = nodeName({ ...(node ? { node: node.name } : {}) });
    const queue =
      this.queues.get(lane) ??
      this.queues.set(lane, new TaskQueue(this.opts.concurrency ?? DEFAULT_CONCURRENCY)).get(lane)!;
    return Promise.all(
      plan.jobs.map(async (job) => {
        // A job built by one process waits for every warm-up its cells need; split parts wait per platform (runJob).
        if (!job.parts) {
          const gate = await gates.wait(jobCells(job));
          if (!gate.ok) return gateFailed(job, gate);
        }
        // A split job's parts take their slots one by one as they can run (runParts).
        const run = async () => {
          const outcome = await this.runJob(job, o, stop.signal, gates, gateFailed, reserve, queue);
          if (outcome.status === 'failed' && !o.keepGoing) stop.abort();
          return outcome;
        };
        return job.parts ? run() : queue.run(run);
      }),
    );
  }

  private preHooks(o: RunOptions, signal: AbortSignal) {
    return {
      exec: (job: Job, argv: string[]) => this.exec(job, argv, o, signal),
      execUncancellable: (job: Job, argv: string[]) => this.exec(job, argv, o, new AbortController().signal),
      ...(o.onWaiting ? { onWaiting: (cells: Cell[], reason: string | undefined) => o.onWaiting!(cells, reason) } : {}),
    };
  }

  private async preProblem(
    pre: Extract<PrePhaseResult<ProcessResult>, { ok: false }>,
    o: RunOptions,
  ): Promise<BuildProblem | undefined> {
    if (pre.cancelled) return undefined;
    if (pre.result && pre.job.dockerfile)
      return this.problem(pre.job, o, pre.result, pre.job.argv).then((p) => ({
        ...p,
        message: `${pre.message}: ${p.message}`,
      }));
    return { message: pre.message };
  }

  /**
   * A failed pull (core/schedule) ends the lane before any build: the cells that needed it fail with its
   * problem, the others are cancelled.
   */
  private async failedBeforeBuild(
    plan: Plan,
    o: RunOptions,
    startedAt: Date,
    pre: Extract<PrePhaseResult<ProcessResult>, { ok: false }>,
  ): Promise<JobOutcome[]> {
    await this.discard(pre.job, o);
    const failed = new Set(pre.failedCells.map(cellId));
    const problem = await this.preProblem(pre, o);
    return plan.jobs.map((job) =>
      !pre.cancelled && jobCells(job).some((c) => failed.has(cellId(c)))
        ? this.finish(job, o, startedAt, 'failed', pre.result, problem)
        : this.finish(job, o, startedAt, 'cancelled'),
    );
  }

  private async runJob(
    job: Job,
    o: RunOptions,
    signal: AbortSignal,
    gates: WarmupGates<ProcessResult>,
    gateFailed: (job: Job, gate: Extract<PrePhaseResult<ProcessResult>, { ok: false }>) => Promise<JobOutcome>,
    reserve: EmulationReserve | undefined,
    queue: TaskQueue,
  ): Promise<JobOutcome> {
    const cells = jobCells(job);
    const startedAt = new Date();
    this.progress.set(job, new JobProgress(job));
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
      if (!job.parts) for (const c of cells) o.onStatus?.(c, 'running');
      await ensureOutputDirs(job);
      await this.removeOrphans(job, o);
      for (const argv of job.before ?? []) {
        await this.exec(job, argv, o, signal); // failures ignored: cleanup of a previous result
      }
      const replaced = job.staging?.replaces
        ? await namedManifestLists(this.program(job, 'podman'), job.staging.replaces, this.query(job))
        : [];
      const previous = job.staging?.restores
        ? await taggedImages(this.program(job, 'docker'), job.staging.restores, this.query(job))
        : undefined;
      let kept: IndexPart[] = [];
      if (job.keepPlatforms?.length) {
        try {
          kept = await keptParts(await this.registry(), job.tags[0]!, job.keepPlatforms);
        } catch (err) {
          return this.finish(job, o, startedAt, 'failed', undefined, {
            message: `could not read ${job.tags[0]} to keep its ${job.keepPlatforms.join(', ')} image in the index: ${messageOf(err)}; check that the registry answers, or build all the variant's platforms`,
          });
        }
      }
      if (job.parts) {
        const failed = await runParts({
          job,
          parts: job.parts,
          o,
          signal,
          gates,
          reserve,
          slot: (task) => queue.run(task),
          exec: (argv, partSignal) => this.exec(job, argv, o, partSignal),
        });
        if (failed && 'gate' in failed) {
          await this.discard(job, o);
          return gateFailed(job, failed.gate);
        }
        if (failed) {
          const status = failed.r.cancelled || signal.aborted ? 'cancelled' : 'failed';
          const problem = status === 'failed' ? await this.problem(job, o, failed.r, failed.argv) : undefined;
          await this.discard(job, o);
          return this.finish(job, o, startedAt, status, failed.r, problem);
        }
      }
      const after = job.parts ? await pinPartImages(job.after ?? [], job.parts) : undefined;
      if (after && 'failed' in after) {
        await this.discard(job, o);
        return this.finish(job, o, startedAt, 'failed', undefined, { message: after.failed });
      }
      for (const argv of after ? after.argv : [job.argv, ...(job.after ?? [])]) {
        const r = await this.exec(job, argv, o, signal);
        const status = r.cancelled || signal.aborted ? 'cancelled' : r.exitCode !== 0 ? 'failed' : undefined;
        if (!status) continue;
        const problem = status === 'failed' ? await this.problem(job, o, r, argv) : undefined;
        if (previous) await restoreTags(this.program(job, 'docker'), previous, this.query(job));
        await this.discard(job, o, status === 'cancelled' ? startedAt : undefined);
        return this.finish(job, o, startedAt, status, r, problem);
      }
      if (job.staging) {
        try {
          await promoteFiles(job.staging);
        } catch (err) {
          await this.discard(job, o);
          return this.finish(job, o, startedAt, 'failed', undefined, {
            message: `could not move the output into place: ${(err as Error).message}`,
          });
        }
        await removeUnnamedLists(this.program(job, 'podman'), replaced, this.query(job));
      }
      const images = job.engine === 'buildx' && job.output === 'push' ? await pinnedImages(job) : undefined;
      if (kept.length) {
        try {
          await this.keepOthers(job, kept, images ?? {});
        } catch (err) {
          return this.finish(job, o, startedAt, 'failed', undefined, {
            message: `pushed ${job.platforms.join(', ')}, but could not put ${kept.map((k) => k.platform).join(', ')} back into ${job.tags.join(', ')}: ${messageOf(err)}; build all the variant's platforms to push a complete index`,
          });
        }
      }
      return this.finish(job, o, startedAt, 'succeeded', undefined, undefined, images);
    } finally {
      await releaseFiles?.();
      release?.();
    }
  }

  /**
   * Working containers that killed builds left (kill -9, a closed terminal: nothing ran their clean-up): this
   * job's own (it holds the job's cell locks) and any other job's whose owner process is gone; never those of
   * a live build (cleanup.ts `orphanedWorkingContainers`). A build node's store cannot be read from here (see
   * removeRemoteWorkingContainers).
   */
  private async removeOrphans(job: Job, o: RunOptions): Promise<void> {
    if (!job.staging?.marker || job.node) return;
    const program = this.program(job, 'podman');
    const { own, others } = await orphanedWorkingContainers(program, job.staging.marker, this.query(job));
    if (!own.length && !others.length) return;
    await this.query(job)([program, 'rm', '--force', ...own, ...others]);
    if (own.length)
      o.onOutput?.(
        job,
        `removed ${own.length} working container(s) an interrupted earlier build of this job left behind\n`,
      );
    if (others.length)
      o.onOutput?.(
        job,
        `removed ${others.length} working container(s) that killed builds of other jobs left behind (their process is gone)\n`,
      );
  }

  /** After a failure or cancel: the temporary names, partial files and working containers go; the user's images stay. */
  private async discard(job: Job, o: RunOptions, cancelledSince?: Date): Promise<void> {
    await removePartFiles(job.parts);
    if (!job.staging) return;
    const removed = await discardStaging(job.staging, this.program(job, 'podman'), this.query(job), (argv) =>
      this.resolve(job, argv),
    );
    if (cancelledSince && job.node && job.engine === 'podman') {
      removed.push(
        ...(await removeRemoteWorkingContainers(
          this.program(job, 'podman'),
          this.query(job),
          cancelledSince.getTime(),
        )),
      );
    }
    if (removed.length)
      o.onOutput?.(
        job,
        `removed ${removed.length} working container(s) or half-committed image(s) the interrupted build left behind\n`,
      );
  }

  private resolve(job: Job, argv: string[]): string[] {
    return job.program ? [this.program(job, job.program), ...argv.slice(1)] : argv;
  }

  private program(job: Job, fallback: EngineProgram): string {
    return { ...defaultPrograms, ...this.opts.programs }[job.program ?? fallback];
  }

  /** Store queries and clean-up for `job`, on the machine it runs on. */
  private query(job?: Job): EngineQuery {
    const run = engineQuery(this.opts.env ?? process.env);
    const node = job?.node ? this.knownNodes.get(job.node) : undefined;
    return node ? (argv) => run(onNode(argv, node)) : run;
  }

  private async exec(
    job: Job,
    argv: string[],
    o: RunOptions,
    signal: AbortSignal,
  ): Promise<ProcessResult & { stoppedRetrying?: boolean }> {
    const resolved = this.resolve(job, argv);
    o.onCommand?.(job, resolved);
    // A push that keeps failing is stopped after its second attempt (pushFailure.ts), not at the user's cancel.
    const step = new AbortController();
    const forward = () => step.abort();
    signal.addEventListener('abort', forward, { once: true });
    if (signal.aborted) step.abort();
    let stoppedRetrying = false;
    const watch = retryWatch(argv, () => {
      stoppedRetrying = true;
      step.abort();
    });
    try {
      const r = await runProcess(resolved, {
        cwd: job.cwd,
        // The owner podman records with the build's marker (engines/staging.ts buildOwnerArg).
        env: { ...(this.opts.env ?? process.env), [buildOwnerArg]: processOwner(), ...job.env },
        signal: step.signal,
        ...(this.opts.timeoutMs !== undefined ? { timeoutMs: this.opts.timeoutMs } : {}),
        ...(this.opts.killGraceMs !== undefined ? { killGraceMs: this.opts.killGraceMs } : {}),
        onOutput: (text) => {
          this.progress.get(job)?.feed(argv, text, Date.now());
          watch?.(text);
          o.onOutput?.(job, text);
        },
      });
      return stoppedRetrying && !signal.aborted ? { ...r, cancelled: false, stoppedRetrying } : r;
    } finally {
      signal.removeEventListener('abort', forward);
    }
  }

  private async problem(
    job: Job,
    o: RunOptions,
    r: ProcessResult & { stoppedRetrying?: boolean },
    argv: string[],
  ): Promise<BuildProblem> {
    const pushed = pushedRef(argv);
    if (pushed) {
      const why = await explainPush(pushed, this.opts.env ?? process.env);
      if (why) return { message: why };
      if (r.stoppedRetrying)
        return {
          message: `${argv.slice(0, 2).join(' ')} ${pushed} failed twice and was stopped instead of retrying for a minute; check that the registry accepts uploads, then push again`,
        };
    }
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

  private registryClient?: Promise<RegistryClient>;
  private registry(): Promise<RegistryClient> {
    this.registryClient ??= loadRegistryHosts(this.opts.env ?? process.env).then((h) => new RegistryClient(h));
    return this.registryClient;
  }

  /** After a push of some of a variant's platforms: the variant's index lists the kept platforms again. */
  private async keepOthers(job: Job, kept: IndexPart[], images: Record<string, string>): Promise<void> {
    const client = await this.registry();
    const pushed: IndexPart[] = [];
    for (const c of jobCells(job)) {
      const digest = images[cellId(c)]?.split('@')[1];
      pushed.push(
        ...(digest ? [{ platform: c.platform, digest }] : await keptParts(client, job.tags[0]!, [c.platform])),
      );
    }
    await mergeIndex(client, job.tags, kept, pushed);
  }

  private finish(
    job: Job,
    o: RunOptions,
    startedAt: Date,
    status: JobOutcome['status'],
    r?: ProcessResult,
    problem?: BuildProblem,
    images?: Record<string, string>,
  ): JobOutcome {
    const durationMs = Date.now() - startedAt.getTime();
    const host = hostPlatform();
    const now = Date.now();
    const timings = this.progress.get(job)?.finish(now) ?? {};
    const node = job.node ? this.knownNodes.get(job.node) : undefined;
    const version = job.node ? this.nodeVersions.get(job.node) : o.engineVersion;
    this.progress.delete(job);
    const records = jobRecords(job, {
      status,
      startedAt,
      durationMs,
      host,
      timings,
      ...(version ? { version } : {}),
      ...(node ? { node } : {}),
      ...(o.builder ? { builder: o.builder } : {}),
      ...(images ? { images } : {}),
      ...(r ? { result: r } : {}),
      ...(problem ? { problem } : {}),
    });
    records.forEach((rec) => o.onStatus?.({ variant: rec.variant, platform: rec.platform }, status, rec));
    return { job, status, records, ...(problem ? { problem } : {}) };
  }
}
