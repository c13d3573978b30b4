import type { Job } from '../jobs';
import { discardStaging, orphanedWorkingContainers, removeRemoteWorkingContainers, type LaneOrphans } from './cleanup';
import type { JobExec } from './jobExec';
import { removePartFiles } from './jobFiles';
import type { RunOptions } from './runnerTypes';

/** A job's store and files, through the runner's executor, with the run's output events. */
export interface JobStore {
  exec: JobExec;
  job: Job;
  o: RunOptions;
}

/**
 * Working containers that killed builds left (kill -9, a closed terminal: nothing ran their clean-up): this
 * job's own (the caller holds the job's cell locks) and any other job's whose owner process is gone; never those
 * of a live build (cleanup.ts `orphanedWorkingContainers`; with `lane`, from the lane's one listing,
 * `LaneOrphans`). A build node's store cannot be read from here (see removeRemoteWorkingContainers).
 */
export async function removeOrphans({ exec, job, o }: JobStore, lane?: LaneOrphans): Promise<void> {
  if (!job.staging?.marker || job.node) return;
  const program = exec.program(job, 'podman');
  const root = exec.podmanStoreRoot(job);
  const { own, others } = lane
    ? await lane.take(job.staging.marker)
    : await orphanedWorkingContainers(program, job.staging.marker, { run: exec.query(job), ...(root ? { root } : {}) });
  if (!own.length && !others.length) return;
  await exec.query(job)([program, 'rm', '--force', ...own, ...others]);
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

/**
 * After a failure or cancel: the temporary names, partial files and working containers go; the user's images
 * stay. `cancelledSince`: the job was cancelled, and a build node's podman store loses the working containers
 * made since then.
 */
export async function discardJob({ exec, job, o }: JobStore, cancelledSince?: Date): Promise<void> {
  await removePartFiles(job.parts);
  if (!job.staging) return;
  const program = exec.program(job, 'podman');
  const root = job.engine === 'podman' ? exec.podmanStoreRoot(job) : undefined;
  const removed = await discardStaging(job.staging, {
    program,
    run: exec.query(job),
    resolve: (argv) => exec.resolve(job, argv),
    ...(root ? { root } : {}),
  });
  if (cancelledSince && job.node && job.engine === 'podman')
    removed.push(...(await removeRemoteWorkingContainers(program, exec.query(job), cancelledSince.getTime())));
  if (removed.length)
    o.onOutput?.(
      job,
      `removed ${removed.length} working container(s) or half-committed image(s) the interrupted build left behind\n`,
    );
}
