import { jobCells, type Job } from '../jobs';
import { WAITING_FOR_CORE } from '../schedule/runSchedule';
import type { JobOutcome, LaneGates, RunOptions } from './runnerTypes';

/**
 * A job of a lane: after the warm-ups its cells need, in a build slot (and past the emulation reserve where one
 * holds). `build` runs the job once it may; a failure without keepGoing stops the lane.
 */
export async function startJob(
  job: Job,
  { o, lane, build }: { o: RunOptions; lane: LaneGates; build: () => Promise<JobOutcome> },
): Promise<JobOutcome> {
  const { gates, gateFailed, reserve, queue } = lane;
  // A job built by one process waits for every warm-up its cells need; split parts wait per platform (runJob).
  if (!job.parts) {
    const gate = await gates.wait(jobCells(job));
    if (!gate.ok) return gateFailed(job, gate);
  }
  // A split job's parts take their slots one by one as they can run (runParts).
  const run = async () => {
    const outcome = await build();
    if (outcome.status === 'failed' && !o.keepGoing) lane.abort();
    return outcome;
  };
  if (job.parts) return run();
  // A one-platform job (a variant built for the native platform only) leaves the emulated warm-up its
  // core as a split job's native part does; a job of several platforms in one call has emulated work too.
  const [platform] = job.platforms;
  if (!reserve || job.platforms.length !== 1 || !platform) return queue.run(run);
  const onWait = (w: boolean) => o.onWaiting?.(jobCells(job), w ? WAITING_FOR_CORE : undefined);
  return queue.run(() => reserve.run({ platform, kind: 'build', onWait }, run));
}
