import type { Job } from '../jobs';
import { discardStaging, markedWorkingContainers, removeRemoteWorkingContainers } from './cleanup';
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
 * Working containers carrying this job's marker that a killed earlier build left (kill -9, a closed
 * terminal: nothing ran its clean-up). The caller holds the job's cell locks, so no live build can own
 * them. A build node's store cannot be read from here (see removeRemoteWorkingContainers).
 */
export async function removeOrphans({ exec, job, o }: JobStore): Promise<void> {
  if (!job.staging?.marker || job.node) return;
  const program = exec.program(job, 'podman');
  const ids = await markedWorkingContainers(program, job.staging.marker, exec.query(job));
  if (!ids.length) return;
  await exec.query(job)([program, 'rm', '--force', ...ids]);
  o.onOutput?.(
    job,
    `removed ${ids.length} working container(s) an interrupted earlier build of this job left behind\n`,
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
  const removed = await discardStaging(job.staging, {
    program,
    run: exec.query(job),
    resolve: (argv) => exec.resolve(job, argv),
  });
  if (cancelledSince && job.node && job.engine === 'podman')
    removed.push(...(await removeRemoteWorkingContainers(program, exec.query(job), cancelledSince.getTime())));
  if (removed.length)
    o.onOutput?.(
      job,
      `removed ${removed.length} working container(s) or half-committed image(s) the interrupted build left behind\n`,
    );
}
