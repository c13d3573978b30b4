import type { ResolvedConfig } from '../config/types';
import type { BuildxBuilder } from '../engines/buildxOutput';
import type { EnginePrograms } from '../engines/detect';
import type { Cell, Job, Plan } from '../jobs';
import type { Failed } from '../errors';
import type { EmulationReserve } from '../schedule/emulationReserve';
import type { PrePhaseResult, WarmupGates } from '../schedule/runSchedule';
import type { TaskQueue } from '../taskQueue';
import type { BuildNode } from '../nodes/types';
import type { ProcessResult } from './runProcess';
import type { BuildRecord, CellStatus } from '../results/types';
import type { BuildProblem } from './buildErrors';
import type { CellLocks } from './cellLocks';
import { describeHeld, type HeldCell } from './lockFiles';
import type { probeNode } from '../nodes/probe';

// What a BuildRunner is given and gives back: the contract its callers (CLI, tasks, tree) program against.

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
  /** buildx: the builder the jobs run on (its nodes say which one builds each platform). */
  builder?: BuildxBuilder;
  /** The config the plan came from: used to locate failures in the right Dockerfile. */
  config?: ResolvedConfig;
  /** Build every job, also those up to date (upToDate.ts): nothing they read changed and their images are there. */
  rebuild?: boolean;
}

export interface RunnerOptions {
  programs?: Partial<EnginePrograms>;
  /** Base environment for every command (default process.env). */
  env?: NodeJS.ProcessEnv;
  /**
   * Jobs running at once on each machine (this one and each build node). Unset: DEFAULT_CONCURRENCY, and a lane's
   * last build starts beside the running ones rather than waiting for one of them to end (startJob.ts buildSlots).
   */
  concurrency?: number;
  /** This machine's cores, for the core an emulated warm-up keeps (default: os.availableParallelism()). */
  cores?: number;
  /** How long a build node may take to answer before its cells fail (default 5 s). */
  nodeTimeoutMs?: number;
  /** How a build node is asked before its jobs run (default: probeNode). */
  probe?: typeof probeNode;
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
  /** Not built: up to date (upToDate.ts). `records` are those of the build that made its images. */
  upToDate?: boolean;
}

export interface RunSummary {
  ok: boolean;
  outcomes: JobOutcome[];
  /** The records of the builds that ran: what the results store adds. */
  records: BuildRecord[];
  /** The records of the cells that were up to date (already in the results store): what a summary shows for them. */
  upToDate: BuildRecord[];
}

export class BusyError extends Error {
  constructor(
    readonly cells: Cell[],
    /** Cells another process holds, with its pid. */
    readonly held: HeldCell[] = [],
  ) {
    super(
      held.length
        ? describeHeld(held)
        : `already building: ${cells.map((c) => `${c.variant} on ${c.platform}`).join(', ')}`,
    );
  }
}

/** A build node that has not answered its version call by then fails its cells (well inside the 10 s bound). */
export const nodeTimeoutMs = 5000;

/** Jobs running at once on each machine unless told otherwise: the CLI's `--jobs` and the editor's `multiarch.maxParallelJobs`. */
export const DEFAULT_CONCURRENCY = 2;

// The runner's own shapes (runner.ts).
export type PreFailure = Failed<PrePhaseResult<ProcessResult>>;

/** One machine's part of a run: its jobs, its node (none: this machine), and the run's stop. */
export interface Lane {
  plan: Plan;
  node: BuildNode | undefined;
  stop: AbortController;
}

/** What a job in a lane waits on and how it ends when a warm-up it needs failed. */
export interface LaneGates {
  signal: AbortSignal;
  /** Stops the lane's run (a failed job without keepGoing). */
  abort: () => void;
  gates: WarmupGates<ProcessResult>;
  gateFailed: (job: Job, gate: PreFailure) => Promise<JobOutcome>;
  reserve: EmulationReserve | undefined;
  /** The lane's build slots: a split job's parts take theirs one by one (runParts). */
  queue: TaskQueue;
  /**
   * Clean-up that removes images, run once every build of the lane has ended: podman fails a build whose cache
   * look-up meets an image being removed ("checking if cached image exists from a previous build: getting top
   * layer info: layer not known").
   */
  afterBuilds: Array<() => Promise<void>>;
  /**
   * The manifest lists each podman job's tags named before it replaced them, removed together after afterBuilds
   * (promote.ts removeReplaced: one `manifest rm` and one `rmi` per store, not one of each per job).
   */
  replaced: Array<{ job: Job; o: RunOptions; ids: string[] }>;
  /** Records what a job that succeeded made, for the next run's up-to-date check (upToDate.ts). */
  recordBuilt?: (job: Job, records: BuildRecord[], tagsStay?: boolean) => Promise<void>;
}

/** How a job ended, for its records. */
export interface JobEnd {
  startedAt: Date;
  status: JobOutcome['status'];
  result?: ProcessResult;
  problem?: BuildProblem;
  /** buildx push: the image each cell's build pushed, by digest (keepPlatforms.ts `pinnedImages`). */
  images?: Record<string, string>;
  /** A split job that failed: the platform whose build failed; the other platforms' cells end cancelled. */
  failedPlatform?: string;
}
