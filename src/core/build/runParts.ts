import type { JobPart, Job } from '../jobs';
import type { Failed } from '../errors';
import type { EmulationReserve } from '../schedule/emulationReserve';
import { WAITING_FOR_CORE, type PrePhaseResult, type WarmupGates } from '../schedule/runSchedule';
import type { ProcessResult } from './runProcess';
import type { RunOptions } from './runnerTypes';

/**
 * Whether a part runs without a build slot and keeps a core while it runs, as an emulated warm-up does: an
 * emulated part of a split buildx job. BuildKit runs the steps the variants' builds of one platform share once,
 * so with no warm-up in front the first of them is the warm-up and the others wait on its steps; they all run at
 * once, as one bake would run them, and the native parts run in the cores left (EmulationReserve).
 */
export function holdsCore(job: Job, platform: string, reserve: EmulationReserve | undefined): boolean {
  return job.engine === 'buildx' && reserve !== undefined && !reserve.isNative(platform);
}

/**
 * How a split job ended when it did not succeed: a failed warm-up it waited for, or its first failed part (the
 * platform it built).
 */
export type PartsFailure =
  { gate: Failed<PrePhaseResult<ProcessResult>> } | { r: ProcessResult; argv: string[]; platform: string };

/** What a split job's parts share while they run. */
export interface PartsRun {
  job: Job;
  parts: JobPart[];
  o: RunOptions;
  signal: AbortSignal;
  gates: WarmupGates<ProcessResult>;
  reserve: EmulationReserve | undefined;
  /** Holds one of the machine's build slots while a part's build runs (the lane's TaskQueue, by `priority`). */
  slot: <T>(task: () => Promise<T>, priority: number) => Promise<T>;
  /** Runs one part's build. */
  exec: (argv: string[], signal: AbortSignal) => Promise<ProcessResult>;
}

/**
 * A split job's platforms side by side, each once its warm-ups are done (a native one also once the
 * reserve has a core for it: emulationReserve.ts). A part takes a build slot only once it can run: a job
 * that held a slot while its emulated part waited for that platform's warm-up would keep the other
 * variants' native builds queued behind it. The first failure stops the job's other parts; returns it, or
 * undefined when every part succeeded.
 */
export async function runParts({
  job,
  parts,
  o,
  signal,
  gates,
  reserve,
  slot,
  exec,
}: PartsRun): Promise<PartsFailure | undefined> {
  const stopParts = new AbortController();
  const onAbort = () => stopParts.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) stopParts.abort();
  let first: PartsFailure | undefined;
  try {
    await Promise.all(
      parts.map(async (part) => {
        const cell = { variant: job.variant, platform: part.platform };
        const gate = await gates.wait([cell]);
        if (!gate.ok) {
          first ??= { gate };
          stopParts.abort();
          return;
        }
        const build = async () => {
          if (stopParts.signal.aborted) return undefined;
          o.onStatus?.(cell, 'running');
          return exec(part.argv, stopParts.signal);
        };
        const waiting = (w: boolean) => o.onWaiting?.([cell], w ? WAITING_FOR_CORE : undefined);
        // A native part waits for the reserve before it takes a slot: holding one while it waited kept an
        // emulated part from the slot when that platform's warm-up ended. An emulated buildx part is its
        // platform's warm-up and runs at once (holdsCore).
        const r = (await (reserve && holdsCore(job, part.platform, reserve)
          ? reserve.run({ platform: part.platform, kind: 'warmup', owner: job }, build)
          : reserve
            ? reserve.run({ platform: part.platform, kind: 'build', onWait: waiting }, () =>
                slot(build, reserve.priority(part.platform)),
              )
            : slot(build, 0))) ?? {
          timedOut: false,
          cancelled: true,
          output: '',
        };
        if (r.exitCode !== 0 || r.cancelled) {
          // A part stopped because its sibling failed is not the job's failure.
          if (!first || ('r' in first && first.r.cancelled && !r.cancelled))
            first = { r, argv: part.argv, platform: part.platform };
          stopParts.abort();
        }
      }),
    );
    return first;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
