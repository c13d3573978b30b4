import { cellId, type Job } from '../jobs';
import type { CellTiming } from '../insight/types';
import type { BuildNode } from '../nodes/types';
import type { BuildRecord } from '../results/types';
import type { BuildProblem } from './buildErrors';
import type { ProcessResult } from './runProcess';
import { jobCells, type JobOutcome } from './runnerTypes';

export interface JobEnd {
  status: JobOutcome['status'];
  startedAt: Date;
  durationMs: number;
  /** This machine's platform: a local engine builds any other one under QEMU. */
  host: string;
  /** Step timings by cell id, as the job's progress parsers finished them. */
  timings: Record<string, CellTiming>;
  /** The engine version of the machine that ran the job. */
  version?: string;
  /** The build node the job ran on, when not this machine. */
  node?: BuildNode;
  result?: ProcessResult;
  problem?: BuildProblem;
}

/** One record per cell of a finished job: what the state store keeps and every view reads. */
export function jobRecords(job: Job, end: JobEnd): BuildRecord[] {
  const { status, startedAt, durationMs, host, timings, version, node, result: r, problem } = end;
  return jobCells(job).map((cell): BuildRecord => {
    const image = job.cellImages?.[cellId(cell)] ?? job.platformTags?.[cell.platform] ?? job.tags[0];
    return {
      ...cell,
      engine: job.engine,
      ...(version ? { engineVersion: version } : {}),
      output: job.output,
      status,
      startedAt: startedAt.toISOString(),
      durationMs,
      ...(image && status === 'succeeded' ? { image } : {}),
      ...(job.ociPath && status === 'succeeded' ? { ociPath: job.ociPath } : {}),
      ...(r?.exitCode !== undefined ? { exitCode: r.exitCode } : {}),
      ...(problem ? { error: problem.message } : status === 'cancelled' ? { error: 'cancelled' } : {}),
      // Local engines build a foreign platform under QEMU; a buildx builder may have a native node for it;
      // a build node runs the platforms it lists natively.
      ...(job.node
        ? { node: job.node, emulated: !node?.platforms.includes(cell.platform) }
        : job.engine !== 'buildx'
          ? { emulated: cell.platform !== host }
          : {}),
      ...(timings[cellId(cell)] ? { timing: timings[cellId(cell)] } : {}),
    };
  });
}
