import { cellId, jobCells, type Plan } from '../jobs';
import { deliverNodeOutputs } from '../nodes/deliver';
import type { BuildRecord } from '../results/types';
import type { JobOutcome, RunnerOptions, RunOptions } from './runnerTypes';

/** A finished run's outcomes, to be delivered from its build nodes. */
export interface Delivery {
  plan: Plan;
  outcomes: JobOutcome[];
  o: RunOptions;
  opts: RunnerOptions;
  signal: AbortSignal;
}

/**
 * What build nodes built goes where the variant's output says once the variant's jobs are done
 * (core/nodes/deliver.ts); a cell whose image did not get there fails with the reason.
 */
export async function deliverAll({ plan, outcomes, o, opts, signal }: Delivery): Promise<JobOutcome[]> {
  if (
    !plan.nodes?.length ||
    !o.config ||
    signal.aborted ||
    !outcomes.some((x) => x.job.node && x.status === 'succeeded')
  )
    return outcomes;
  const first = outcomes.find((x) => x.job.node)!.job;
  const delivery = await deliverNodeOutputs(
    { config: o.config, plan, done: outcomes },
    {
      localEngine: plan.engine === 'podman' ? 'podman' : 'docker',
      env: opts.env ?? process.env,
      signal,
      onOutput: (text: string) => o.onOutput?.(first, text),
      programs: opts.programs,
    },
  );
  const failed = new Map(delivery.failed.map((f) => [cellId(f.cell), f.message]));
  // A merged variant's cells all live in its one archive now (sizes and verify read it from the records).
  const merged = (x: JobOutcome): JobOutcome => ({
    ...x,
    records: x.records.map((r) =>
      r.status === 'succeeded' && delivery.ociPaths[r.variant] ? { ...r, ociPath: delivery.ociPaths[r.variant] } : r,
    ),
  });
  if (!failed.size) return outcomes.map(merged);
  return outcomes.map((x) => {
    if (!jobCells(x.job).some((c) => failed.has(cellId(c)))) return merged(x);
    const records = x.records.map((r): BuildRecord => {
      const message = failed.get(cellId(r));
      return message ? { ...r, status: 'failed', error: message } : r;
    });
    records.forEach(
      (r) => failed.has(cellId(r)) && o.onStatus?.({ variant: r.variant, platform: r.platform }, 'failed', r),
    );
    return {
      ...x,
      status: 'failed',
      records,
      problem: { message: records.find((r) => r.error)?.error ?? 'delivery failed' },
    };
  });
}
