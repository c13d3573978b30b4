import { readFile } from 'node:fs/promises';
import { defaultPrograms } from '../engines/detect';
import { readStoreFiles, type StoreContents } from '../engines/podmanStore';
import { buildOwnerArg } from '../engines/staging';
import { processOwner } from '../state/lockFile';
import type { EngineProgram, Job } from '../jobs';
import { onNode } from '../nodes/endpoint';
import type { BuildNode } from '../nodes/types';
import { parseBuildFailure, type BuildProblem } from './buildErrors';
import { storeRootOf, type StoreRoot } from './cleanup';
import { engineQuery, type EngineQuery } from './engineQuery';
import type { JobProgress } from './jobProgress';
import { explainPush, pushedRef, pushRaced, retryWatch } from './pushFailure';
import { runProcess, type ProcessResult } from './runProcess';
import type { PreFailure, RunnerOptions, RunOptions } from './runnerTypes';

/** A command's result; `stoppedRetrying` when a push that kept failing was stopped (pushFailure.ts). */
export type ExecResult = ProcessResult & { stoppedRetrying?: boolean };

/**
 * Runs a job's commands on the machine the job is placed on, with the runner's programs and environment,
 * feeding the output to the job's progress parser; and turns a failed command into the problem the user sees.
 */
export class JobExec {
  /** Per-step timings read from each running job's build output (one parser per build process). */
  readonly progress = new Map<Job, JobProgress>();
  /** The plan's build nodes by name, for the commands of the jobs placed on them. */
  readonly knownNodes = new Map<string, BuildNode>();

  /** Where each podman program keeps its store (`podman info`): asked once. */
  private readonly storeRoots = new Map<string, Promise<{ graphRoot: string; graphDriver: string } | undefined>>();

  constructor(private readonly opts: RunnerOptions) {}

  /** A plan argv as executed: argv[0] becomes the job's program. */
  resolve(job: Job, argv: string[]): string[] {
    return job.program ? [this.program(job, job.program), ...argv.slice(1)] : argv;
  }

  program(job: Job, fallback: EngineProgram): string {
    return { ...defaultPrograms, ...this.opts.programs }[job.program ?? fallback];
  }

  /** Store queries and clean-up for `job`, on the machine it runs on. */
  query(job?: Job): EngineQuery {
    const run = engineQuery(this.env);
    const node = job?.node ? this.knownNodes.get(job.node) : undefined;
    return node ? (argv) => run(onNode(argv, node)) : run;
  }

  /**
   * Reads the podman store this machine's `job` builds in from its files (engines/podmanStore.ts); `undefined`
   * when it cannot be read from here (a build node's, a remote podman's) or is not what was expected. The first
   * call asks podman where the store is, so calling it early lets that overlap the build.
   */
  podmanStore(job: Job): () => Promise<StoreContents | undefined> {
    const root = this.podmanStoreRoot(job);
    // Asked now, so that `podman info` overlaps what runs meanwhile.
    void root?.();
    return async () => {
      const where = await root?.();
      return where ? readStoreFiles(where.graphRoot, where.graphDriver).catch(() => undefined) : undefined;
    };
  }

  /**
   * Where the podman store of this machine's `job` is, asked once per program and run: `podman info` is slow
   * (bench/README.md, "podman info once per run") and every podman job's start and clean-up needs it. Undefined
   * for a job on a build node, whose store the caller asks about through the node.
   */
  podmanStoreRoot(job: Job): StoreRoot | undefined {
    if (job.node) return undefined;
    const program = this.program(job, 'podman');
    // Asked only when first needed: `podman info` takes 0.3–1.5 s of a core, which a job that finds no working
    // container to clear and replaces no list (a first build) never needs, and its builds would share the core.
    return () => {
      let root = this.storeRoots.get(program);
      if (!root) {
        root = storeRootOf(program, this.query(job));
        this.storeRoots.set(program, root);
      }
      return root;
    };
  }

  get env(): NodeJS.ProcessEnv {
    return this.opts.env ?? process.env;
  }

  async run(job: Job, argv: string[], step: { o: RunOptions; signal: AbortSignal }): Promise<ExecResult> {
    const r = await this.runOnce(job, argv, step);
    if (!pushRaced(argv, r) || step.signal.aborted) return r;
    step.o.onOutput?.(
      job,
      argv[1] === 'buildx'
        ? 'the push met another build still uploading a layer they share (the registry answered 400, "manifest blob unknown"); building again, from the cache, to push once that upload is done\n'
        : 'the push met another push still writing a layer they share (the registry answered "manifest blob unknown"); pushing again, now that the layer is there\n',
    );
    // Its steps come from the cache: the first run's timings are the build's, and the retry's would mark them cached.
    return this.runOnce(job, argv, { ...step, timed: false });
  }

  /** One run of `argv`; `timed: false` keeps its output from the job's step timings. */
  private async runOnce(
    job: Job,
    argv: string[],
    step: { o: RunOptions; signal: AbortSignal; timed?: boolean },
  ): Promise<ExecResult> {
    const { o, signal } = step;
    const resolved = this.resolve(job, argv);
    o.onCommand?.(job, resolved);
    // A push that keeps failing is stopped after its second attempt (pushFailure.ts), not at the user's cancel.
    const own = new AbortController();
    const forward = () => own.abort();
    signal.addEventListener('abort', forward, { once: true });
    if (signal.aborted) own.abort();
    let stoppedRetrying = false;
    const watch = retryWatch(argv, () => {
      stoppedRetrying = true;
      own.abort();
    });
    try {
      const r = await runProcess(resolved, {
        cwd: job.cwd,
        // The owner podman records with the build's marker (engines/staging.ts buildOwnerArg).
        env: { ...this.env, [buildOwnerArg]: processOwner(), ...job.env },
        signal: own.signal,
        timeoutMs: this.opts.timeoutMs,
        killGraceMs: this.opts.killGraceMs,
        onOutput: (text) => {
          if (step.timed !== false) this.progress.get(job)?.feed(argv, text, Date.now());
          watch?.(text);
          o.onOutput?.(job, text);
        },
      });
      return stoppedRetrying && !signal.aborted ? { ...r, cancelled: false, stoppedRetrying } : r;
    } finally {
      signal.removeEventListener('abort', forward);
    }
  }

  /** Why a pull or warm-up failed, located in the warm-up's Dockerfile where its output says where; none when cancelled. */
  async preProblem(pre: PreFailure, o: RunOptions): Promise<BuildProblem | undefined> {
    if (pre.cancelled) return undefined;
    if (pre.result && pre.job.dockerfile)
      return this.problem(pre.job, { o, r: pre.result, argv: pre.job.argv }).then((p) => ({
        ...p,
        message: `${pre.message}: ${p.message}`,
      }));
    return { message: pre.message };
  }

  /** What went wrong with `argv`'s run `r`, located in the job's Dockerfile where the output says where. */
  async problem(job: Job, failed: { o: RunOptions; r: ExecResult; argv: string[] }): Promise<BuildProblem> {
    const { o, r, argv } = failed;
    const pushed = pushedRef(argv);
    if (pushed) {
      const why = await explainPush(pushed, this.env);
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
}
