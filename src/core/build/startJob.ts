import { jobCells, type Job } from '../jobs';
import { WAITING_FOR_CORE } from '../schedule/runSchedule';
import { holdsCore } from './runParts';
import { TaskQueue } from '../taskQueue';
import { DEFAULT_CONCURRENCY, type JobOutcome, type LaneGates, type RunOptions } from './runnerTypes';

/**
 * A machine's build slots: `concurrency` builds at once when the user chose the number; by default
 * DEFAULT_CONCURRENCY, and the lane's last build starts beside the others (TaskQueue `lastOneMore`).
 */
export function buildSlots(concurrency: number | undefined): TaskQueue {
  return new TaskQueue(concurrency ?? DEFAULT_CONCURRENCY, { lastOneMore: concurrency === undefined });
}

/**
 * A job of a lane: after the warm-ups its cells need, in a build slot (and past the emulation reserve where one
 * holds). `build` runs the job once it may, and calls `slotFreed` once its build process has ended: its
 * after-steps (tagging, dropping the temporary name, removing the replaced list) are short engine calls that
 * need no build slot, and holding one through them kept the next build waiting (bench/README.md, "A build slot
 * is for a build"). A failure without keepGoing stops the lane.
 */
export async function startJob(
  job: Job,
  { o, lane, build }: { o: RunOptions; lane: LaneGates; build: (slotFreed: () => void) => Promise<JobOutcome> },
): Promise<JobOutcome> {
  // Announced before the first await, so every job of the lane is counted before any build asks for a slot.
  // A part that holds a core instead (runParts.ts holdsCore) never comes; the reserve counts those as running
  // before they start, or a native build that got past it a moment earlier took their core.
  const holding = job.parts?.filter((p) => holdsCore(job, p.platform, lane.reserve)).length ?? 0;
  lane.queue.expect(job, job.parts ? job.parts.length - holding : 1);
  lane.reserve?.expect(job, holding);
  try {
    return await slotted(job, { o, lane, build });
  } finally {
    lane.queue.done(job);
    lane.reserve?.settle(job);
  }
}

async function slotted(
  job: Job,
  { o, lane, build }: { o: RunOptions; lane: LaneGates; build: (slotFreed: () => void) => Promise<JobOutcome> },
): Promise<JobOutcome> {
  const { gates, gateFailed, reserve, queue } = lane;
  // A job built by one process waits for every warm-up its cells need; split parts wait per platform (runJob).
  if (!job.parts) {
    const gate = await gates.wait(jobCells(job));
    if (!gate.ok) return gateFailed(job, gate);
  }
  const ended = (outcome: JobOutcome) => {
    if (outcome.status === 'failed' && !o.keepGoing) lane.abort();
    return outcome;
  };
  // A split job's parts take their slots one by one as they can run (runParts).
  if (job.parts) return ended(await build(() => {}));
  // The slot is held from the job's start (so jobs take slots in the lane's order) until its build ends.
  let outcome!: Promise<JobOutcome>;
  const inSlot = () =>
    new Promise<void>((slotFreed) => {
      outcome = build(slotFreed);
      outcome.then(
        () => slotFreed(),
        () => slotFreed(),
      );
    });
  // A one-platform job (a variant built for the native platform only) leaves the emulated warm-up its
  // core as a split job's native part does; a job of several platforms in one call has emulated work too.
  const [platform] = job.platforms;
  if (!reserve || job.platforms.length !== 1 || !platform) await queue.run(inSlot, 0, job);
  else {
    const onWait = (w: boolean) => o.onWaiting?.(jobCells(job), w ? WAITING_FOR_CORE : undefined);
    // Past the reserve before the slot, as a split job's parts (runParts.ts).
    await reserve.run({ platform, kind: 'build', onWait }, () => queue.run(inSlot, reserve.priority(platform), job));
  }
  return ended(await outcome);
}
