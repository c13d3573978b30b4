import { describeBuilder, nodeForPlatform, nodePlatformSupport, type BuildxBuilder } from '../engines/buildxOutput';
import { cellId, jobCells, type Job } from '../jobs';
import type { CellTiming } from '../insight/types';
import type { BuildNode } from '../nodes/types';
import type { BuildRecord } from '../results/types';
import type { BuildProblem } from './buildErrors';
import type { ProcessResult } from './runProcess';
import type { JobEnd as RunnerJobEnd, JobOutcome, RunOptions } from './runnerTypes';
import { hostPlatform } from '../engines/emulation';

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
  /** buildx: the builder the job ran on. */
  builder?: BuildxBuilder;
  /** A split job that failed: the platform whose build failed (runnerTypes.ts JobEnd). */
  failedPlatform?: string;
  /** Each cell's image by digest (cellId → `name:tag@digest`), when the build said what it pushed. */
  images?: Record<string, string>;
  result?: ProcessResult;
  problem?: BuildProblem;
}

/** One record per cell of a finished job: what the state store keeps and every view reads. */
export function jobRecords(job: Job, end: JobEnd): BuildRecord[] {
  const { startedAt, durationMs, host, timings, version, node, result, problem: jobProblem, builder } = end;
  const onBuilder = job.engine === 'buildx' && builder ? builder : undefined;
  const cells = jobCells(job);
  return cells.map((cell): BuildRecord => {
    const id = cellId(cell);
    // A split job's other platforms were stopped, or built and never tagged, when one platform failed.
    const sibling = end.status === 'failed' && end.failedPlatform !== undefined && cell.platform !== end.failedPlatform;
    const status = sibling ? ('cancelled' as const) : end.status;
    const r = sibling ? undefined : result;
    const problem = sibling ? undefined : jobProblem;
    const error =
      problem?.message ??
      (sibling
        ? `cancelled: this variant's ${end.failedPlatform} build failed, so its tags stay where they were; fix that build and run it again`
        : status === 'cancelled'
          ? 'cancelled'
          : undefined);
    const image = end.images?.[id] ?? job.cellImages?.[id] ?? job.platformTags?.[cell.platform] ?? job.tags[0];
    const ociPath = job.cellOciPaths?.[id] ?? job.ociPath;
    const timing = timings[id];
    // One process building several cells (a bake, a multi-platform build): each cell's own span comes from
    // its own steps, not the process's wall time.
    const ownMs = cells.length > 1 && timing ? Math.round(timing.seconds * 1000) : durationMs;
    return {
      ...cell,
      engine: job.engine,
      ...(version ? { engineVersion: version } : {}),
      output: job.output,
      status,
      startedAt: startedAt.toISOString(),
      durationMs: ownMs,
      ...(image && status === 'succeeded' ? { image } : {}),
      ...(ociPath && status === 'succeeded' ? { ociPath } : {}),
      ...(r?.exitCode !== undefined ? { exitCode: r.exitCode } : {}),
      ...(error ? { error } : {}),
      // Local engines build a foreign platform under QEMU; a buildx builder may have a native node for it;
      // a build node runs the platforms it lists natively.
      ...(job.node
        ? { node: job.node, emulated: !node?.platforms.includes(cell.platform) }
        : onBuilder
          ? builderPlacement(onBuilder, cell.platform, version)
          : job.engine !== 'buildx'
            ? { emulated: cell.platform !== host }
            : {}),
      ...(onBuilder ? { builder: describeBuilder(onBuilder) } : {}),
      ...(timing ? { timing } : {}),
    };
  });
}

/** Which node of a buildx builder built a platform (named only when the builder has several) and whether under QEMU. */
function builderPlacement(
  builder: BuildxBuilder,
  platform: string,
  buildxVersion: string | undefined,
): Pick<BuildRecord, 'node' | 'emulated'> {
  const node = builder.nodes.length > 1 ? nodeForPlatform(builder, platform, buildxVersion) : builder.nodes[0];
  const support = node ? nodePlatformSupport(node)[platform] : undefined;
  return {
    ...(builder.nodes.length > 1 && node ? { node: node.name } : {}),
    ...(support ? { emulated: support === 'emulated' } : {}),
  };
}

/**
 * A job's end as its outcome: a record per cell (`timings` from its progress, credited with the warm-ups'), each
 * cell's status told to `o`.
 */
export function jobOutcome(
  job: Job,
  o: RunOptions,
  {
    startedAt,
    status,
    result,
    problem,
    images,
    timings,
    node,
    version,
    failedPlatform,
  }: RunnerJobEnd & { timings: Record<string, CellTiming>; node?: BuildNode | undefined; version?: string | undefined },
): JobOutcome {
  const records = jobRecords(job, {
    status,
    startedAt,
    durationMs: Date.now() - startedAt.getTime(),
    host: hostPlatform(),
    timings,
    version,
    node,
    builder: o.builder,
    images,
    result,
    problem,
    ...(failedPlatform ? { failedPlatform } : {}),
  });
  records.forEach((rec) => o.onStatus?.({ variant: rec.variant, platform: rec.platform }, rec.status, rec));
  return { job, status, records, ...(problem ? { problem } : {}) };
}
