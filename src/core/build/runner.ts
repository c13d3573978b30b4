import { availableParallelism } from 'node:os';
import { hostPlatform } from '../engines/emulation';
import { cellId, jobCells, type Job, type Plan } from '../jobs';
import type { BuildProblem } from './buildErrors';
import { CellLocks } from './cellLocks';
import { describeHeld, heldCells } from './lockFiles';
import { ensureOutputDirs, pinPartImages } from './jobFiles';
import { jobOutcome } from './jobRecords';
import { finishPush, readKept } from './keepPlatforms';
import { loadRegistryHosts, RegistryClient } from '../registry';
import { JobProgress } from './jobProgress';
import { restoreTags } from './cleanup';
import { deliverAll } from './deliverAll';
import { discardJob } from './discardJob';
import { JobExec, type ExecResult } from './jobExec';
import { WarmupTimings } from './warmupTimings';
import { stepsAfterBuild } from './madeAgain';
import { promoteFiles, removeReplaced } from './promote';
import { askTags, laneOrphans, prepareLane, prePhaseHooks, type JobLock } from './jobPrepare';
import { EmulationReserve, emulatedFirst } from '../schedule/emulationReserve';
import { recordPrefixes } from '../schedule/buildxPrefixes';
import { startPulls, startWarmups } from '../schedule/runSchedule';
import { upToDateFirst, UpToDateJobs, watchStore, type LaneCheck } from './upToDate';
import { buildSlots, startJob } from './startJob';
import type { TaskQueue } from '../taskQueue';
import { runParts } from './runParts';
import { describeNode } from '../nodes/endpoint';
import { nodeName } from '../nodes/placement';
import { probeNode } from '../nodes/probe';
import { LOCAL_NODE } from '../nodes/types';

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
  nodeTimeoutMs,
  type JobOutcome,
  type RunnerOptions,
  type RunOptions,
  type RunSummary,
  type JobEnd,
  type Lane,
  type LaneGates,
  type PreFailure,
} from './runnerTypes';

/** Executes a plan's jobs with limited parallelism, one build per cell at a time. */
export class BuildRunner {
  readonly locks: CellLocks;
  /** One queue per machine: `concurrency` (maxParallelJobs) is a limit per node. */
  private readonly queues = new Map<string, TaskQueue>();
  private readonly warmups = new WarmupTimings();
  /** Engine version each build node answered with, for its records. */
  private readonly nodeVersions = new Map<string, string>();
  /** Runs the jobs' commands (jobExec.ts); holds each running job's progress and the plan's nodes. */
  private readonly exec: JobExec;

  constructor(private readonly opts: RunnerOptions = {}) {
    this.locks = opts.locks ?? new CellLocks();
    this.exec = new JobExec(opts);
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
    for (const n of plan.nodes ?? []) this.exec.knownNodes.set(n.name, n);

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
            pulls: plan.pulls?.filter((p) => (p.node ?? LOCAL_NODE) === lane),
            warmup: plan.warmup?.filter((w) => (w.node ?? LOCAL_NODE) === lane),
          };
          // This machine's podman or dockerd first leaves out the jobs nothing changed for (upToDate.ts).
          const program = this.exec.program(jobs[0]!, 'podman');
          return upToDateFirst(
            { lane: { plan: lanePlan, node, stop }, o, program, query: this.exec.query(), registry: this.registry },
            (l, check) => this.runLaneBuilds(l, o, check),
          );
        }),
      );
      const byJob = new Map(done.flat().map((x) => [x.job, x]));
      const outcomes = await deliverAll({
        plan,
        outcomes: plan.jobs.map((j) => byJob.get(j)!),
        o,
        opts: this.opts,
        signal: stop.signal,
      });
      const records = outcomes.filter((x) => !x.upToDate).flatMap((x) => x.records);
      const upToDate = outcomes.filter((x) => x.upToDate).flatMap((x) => x.records);
      const ok = outcomes.every((x) => x.status === 'succeeded');
      // The emulated shared steps this split buildx Build All built are in BuildKit's cache now (buildxSplit.ts).
      if (ok && plan.buildxPrefixes?.length && plan.jobs[0])
        await recordPrefixes(plan.jobs[0].cwd, plan.buildxPrefixes).catch(() => {});
      return { ok, outcomes, records, upToDate };
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async runLaneBuilds(
    { plan, node, stop }: Lane,
    o: RunOptions,
    { jobs, images, warmups }: LaneCheck,
  ): Promise<JobOutcome[]> {
    if (node) {
      const startedAt = new Date();
      const probe = await (this.opts.probe ?? probeNode)(node, {
        timeoutMs: this.opts.nodeTimeoutMs ?? nodeTimeoutMs,
        signal: stop.signal,
        env: this.opts.env,
        programs: this.opts.programs,
      });
      if (stop.signal.aborted) return plan.jobs.map((job) => this.finish(job, o, { startedAt, status: 'cancelled' }));
      // A node that does not answer costs only its own cells: the other lanes go on.
      if (!probe.reachable)
        return plan.jobs.map((job) =>
          this.finish(job, o, {
            startedAt,
            status: 'failed',
            problem: { message: probe.error ?? `node ${describeNode(node)} did not answer` },
          }),
        );
      if (probe.engineVersion) this.nodeVersions.set(node.name, probe.engineVersion);
    }
    const startedAt = new Date();
    const orphans = node ? undefined : laneOrphans(this.exec, plan.jobs);
    const prepared = prepareLane(plan.jobs, { exec: this.exec, o, locks: this.locks, signal: stop.signal }, orphans);
    // Where the podman store is (`podman info`, 0.7 s of CPU) is not asked up front: the jobs' clean-up lists the
    // store at the lane's start, before any warm-up has working containers in it, and asks only when it finds some.
    // The lane's pulls and warm-ups stop with the run, and on their own when a pull fails (even with keepGoing).
    const pre = new AbortController();
    const onStop = () => pre.abort();
    stop.signal.addEventListener('abort', onStop, { once: true });
    if (stop.signal.aborted) pre.abort();
    const watched = watchStore(this.preHooks(o, pre.signal), images);
    const pulls = startPulls(plan, watched.hooks, { signal: pre.signal, native: node ? undefined : hostPlatform() });
    let warmupProblem: Promise<BuildProblem | undefined> | undefined;
    // This machine's cores only: a build node's client process is not where its build runs.
    const reserve =
      !node && (plan.warmup?.length || plan.jobs.some((j) => j.engine === 'buildx' && j.parts))
        ? new EmulationReserve(this.opts.cores ?? availableParallelism(), hostPlatform())
        : undefined;
    // A warm-up starts once its own platform is pulled; the variant builds once every pull is done.
    const gates = startWarmups(plan, this.preHooks(o, pre.signal), {
      pulls,
      signal: pre.signal,
      onFailed: (failure) => {
        // The cells waiting on a failed warm-up never build; without keepGoing nothing else does either.
        if (!o.keepGoing) stop.abort();
        warmupProblem = discardJob({ exec: this.exec, job: failure.job, o }).then(() =>
          this.exec.preProblem(failure, o),
        );
      },
      reserve,
      ...(warmups && plan.warmup?.length ? { skip: warmups } : {}),
    });
    const pulled = await pulls.all;
    if (!pulled.ok) {
      if (!o.keepGoing) stop.abort();
      pre.abort();
      // A warm-up already running for a platform pulled in time is stopped and cleaned up first.
      await gates.wait(plan.jobs.flatMap(jobCells));
      await warmupProblem;
      const failed = await this.failedBeforeBuild({ plan, o, startedAt, pre: pulled });
      await Promise.all(plan.jobs.map(prepared.release));
      return failed;
    }
    // What the jobs read, for their records: summed up again when a pull changed the store (or not yet summed up),
    // beside the builds' start rather than before it.
    if (jobs && (watched.changed() || !jobs.summed)) void jobs.start(plan.jobs).catch(() => {});
    const gateFailed = async (job: Job, gate: PreFailure) => {
      const problem = gate.cancelled ? undefined : await warmupProblem;
      const failed =
        !gate.cancelled && jobCells(job).some((c) => gate.failedCells.some((f) => cellId(f) === cellId(c)));
      return failed
        ? this.finish(job, o, { startedAt, status: 'failed', result: gate.result, problem })
        : this.finish(job, o, { startedAt, status: 'cancelled' });
    };
    const lane = nodeName({ node: node?.name });
    const queue = this.queues.get(lane) ?? this.queues.set(lane, buildSlots(this.opts.concurrency)).get(lane)!;
    const afterBuilds: LaneGates['afterBuilds'] = [];
    const replaced: LaneGates['replaced'] = [];
    const lanes: LaneGates = {
      signal: stop.signal,
      abort: () => stop.abort(),
      gates,
      gateFailed,
      reserve,
      queue,
      afterBuilds,
      replaced,
      ...(jobs ? { recordBuilt: jobs.built.bind(jobs) } : {}),
    };
    // Jobs take the slots in this order (the outcomes keep the plan's).
    const order = !node && !plan.warmup?.length ? emulatedFirst(plan.jobs, hostPlatform()) : plan.jobs;
    const started = new Map(
      order.map((job) => [
        job,
        startJob(job, {
          o,
          lane: lanes,
          build: (slotFreed) => this.runJob(job, o, { lane: lanes, slotFreed, locked: prepared.locked(job) }),
        }).finally(() => prepared.release(job)),
      ]),
    );
    const outcomes = await Promise.all(plan.jobs.map((job) => started.get(job)!));
    for (const clean of afterBuilds) await clean().catch(() => {});
    await removeReplaced(this.exec, replaced).catch(() => {});
    return outcomes;
  }

  private preHooks(o: RunOptions, signal: AbortSignal) {
    return prePhaseHooks({ exec: this.exec, warmups: this.warmups, o, signal });
  }

  /**
   * A failed pull (core/schedule) ends the lane before any build: the cells that needed it fail with its
   * problem, the others are cancelled.
   */
  private async failedBeforeBuild({
    plan,
    o,
    startedAt,
    pre,
  }: {
    plan: Plan;
    o: RunOptions;
    startedAt: Date;
    pre: PreFailure;
  }): Promise<JobOutcome[]> {
    await discardJob({ exec: this.exec, job: pre.job, o });
    const failed = new Set(pre.failedCells.map(cellId));
    const problem = await this.exec.preProblem(pre, o);
    return plan.jobs.map((job) =>
      !pre.cancelled && jobCells(job).some((c) => failed.has(cellId(c)))
        ? this.finish(job, o, { startedAt, status: 'failed', result: pre.result, problem })
        : this.finish(job, o, { startedAt, status: 'cancelled' }),
    );
  }

  private async runJob(
    job: Job,
    o: RunOptions,
    { lane, slotFreed, locked: prepared }: { lane: LaneGates; slotFreed: () => void; locked: Promise<JobLock> },
  ): Promise<JobOutcome> {
    const { signal, gateFailed } = lane;
    const cells = jobCells(job);
    const startedAt = new Date();
    const x = this.exec;
    const store = { exec: x, job, o };
    const end = (status: JobOutcome['status'], more: Omit<JobEnd, 'startedAt' | 'status'> = {}) =>
      this.finish(job, o, { startedAt, status, ...more });
    x.progress.set(job, new JobProgress(job));
    const locked = await prepared;
    if (locked === 'cancelled') return end('cancelled');
    if ('held' in locked) return end('failed', { problem: { message: describeHeld(locked.held) } });
    try {
      if (signal.aborted) return end('cancelled');
      if (!job.parts) for (const c of cells) o.onStatus?.(c, 'running');
      await ensureOutputDirs(job);
      const { queries, asked } = askTags(x, job);
      const kept = await readKept(this.registry, job);
      if ('failed' in kept) {
        await queries;
        return end('failed', { problem: { message: kept.failed } });
      }
      if (job.parts) {
        const failed = await runParts({
          job,
          parts: job.parts,
          o,
          signal,
          gates: lane.gates,
          reserve: lane.reserve,
          slot: (task, priority) => lane.queue.run(task, priority, job),
          exec: (argv, partSignal) => x.run(job, argv, { o, signal: partSignal }),
        });
        if (failed && 'gate' in failed) {
          await Promise.all([queries, discardJob(store)]);
          return gateFailed(job, failed.gate);
        }
        if (failed) {
          const status = failed.r.cancelled || signal.aborted ? 'cancelled' : 'failed';
          const problem = status === 'failed' ? await x.problem(job, { o, ...failed }) : undefined;
          await Promise.all([queries, discardJob(store)]);
          return end(status, { result: failed.r, problem, failedPlatform: failed.platform });
        }
      }
      const after = job.parts ? await pinPartImages(job.after ?? [], job.parts) : undefined;
      if (after && 'failed' in after) {
        await Promise.all([queries, discardJob(store)]);
        return end('failed', { problem: { message: after.failed } });
      }
      // A step that failed or was cancelled: the tags go back where they were, the staging goes.
      // `failed`: the step failed before the lane was stopped (the lane's stop does not make it a cancel).
      const stopped = async (r: ExecResult, argv: string[], failed = false) => {
        const status = failed
          ? 'failed'
          : r.cancelled || signal.aborted
            ? 'cancelled'
            : r.exitCode !== 0
              ? 'failed'
              : undefined;
        if (!status) return undefined;
        const problem = status === 'failed' ? await x.problem(job, { o, r, argv }) : undefined;
        const { previous } = await asked(true);
        if (previous) await restoreTags(x.program(job, 'docker'), previous, x.query(job));
        await discardJob(store, status === 'cancelled' ? startedAt : undefined);
        return end(status, { result: r, problem });
      };
      if (!after) {
        const r: ExecResult = await x.run(job, job.argv, { o, signal });
        // A failure stops the lane before its slot goes to a queued job, not once it has been looked into: the
        // queued job's cells are taken already (prepareJob), so it would start at once.
        const failed = !r.cancelled && !signal.aborted && r.exitCode !== 0;
        if (failed && !o.keepGoing) lane.abort();
        slotFreed();
        const ended = await stopped(r, job.argv, failed);
        if (ended) return ended;
      }
      // The after-steps move the tags: by now the queries have said what the tags named before.
      const { steps, tagsStay } = await stepsAfterBuild(x, job, { o, planned: after?.argv ?? job.after ?? [] });
      const { replaced } = await asked(tagsStay);
      for (const argv of steps) {
        const ended = await stopped(await x.run(job, argv, { o, signal }), argv);
        if (ended) return ended;
      }
      if (job.staging) {
        try {
          await promoteFiles(job.staging);
        } catch (err) {
          await discardJob(store);
          return end('failed', {
            problem: { message: `could not move the output into place: ${(err as Error).message}` },
          });
        }
        // The lists the tags left go once no build of this lane runs any more (LaneGates.replaced).
        if (replaced.length) lane.replaced.push({ job, o, ids: replaced });
      }
      const { images, failed: notPushed } = await finishPush(this.registry, job, kept);
      if (notPushed) return end('failed', { problem: { message: notPushed } });
      const done = end('succeeded', { images });
      // Recorded beside the lane's other builds, before the lane ends (its queries need no build slot).
      if (lane.recordBuilt && UpToDateJobs.eligible(job)) {
        const recorded = lane.recordBuilt(job, done.records, tagsStay).catch(() => {});
        lane.afterBuilds.unshift(() => recorded);
      }
      return done;
    } finally {
      await locked.release();
    }
  }

  private registryClient?: Promise<RegistryClient>;
  private readonly registry = (): Promise<RegistryClient> =>
    (this.registryClient ??= loadRegistryHosts(this.exec.env).then((h) => new RegistryClient(h)));

  private finish(job: Job, o: RunOptions, end: JobEnd): JobOutcome {
    const timings = this.warmups.credit(jobCells(job), this.exec.progress.get(job)?.finish(Date.now()) ?? {});
    this.exec.progress.delete(job);
    return jobOutcome(job, o, {
      ...end,
      timings,
      node: job.node ? this.exec.knownNodes.get(job.node) : undefined,
      version: job.node ? this.nodeVersions.get(job.node) : o.engineVersion,
    });
  }
}
