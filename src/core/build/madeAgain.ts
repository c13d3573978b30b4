import type { Job } from '../jobs';
import type { EngineQuery } from './engineQuery';
import type { JobExec } from './jobExec';
import type { RunOptions } from './runnerTypes';
import { instanceDigests } from './jobOutputs';

/**
 * Whether a `--rebuild` of a podman job nothing changed for (`job.madeBefore`, upToDate.ts `rebuildCached`) made
 * the very images its tag names already. Every step came from the cache, so it usually did; podman may list them
 * in another order. Then moving the tag would only swap its list for a copy, and removing the copy it left cost
 * more podman calls than the cached builds themselves (bench/README.md, "A rebuild that made the same images
 * again"): the tag stays, and only the temporary list goes.
 */
export async function madeAgain(run: EngineQuery, program: string, job: Job): Promise<boolean> {
  const before = job.madeBefore;
  if (!before) return false;
  const r = await run([program, 'manifest', 'inspect', before.list]);
  const now = r.ok ? instanceDigests(r.stdout) : undefined;
  if (!now || now.length !== before.instances.length) return false;
  const known = new Set(before.instances);
  return new Set(now).size === known.size && now.every((d) => known.has(d));
}

/**
 * The steps after a job's build: `planned` (its after-steps), or, when the build made again what the tag names
 * (madeAgain), only the removal of its temporary list, said in the job's output. `tagsStay` then: there is no
 * list the tags leave to remove.
 */
export async function stepsAfterBuild(
  x: JobExec,
  job: Job,
  { o, planned }: { o: RunOptions; planned: string[][] },
): Promise<{ steps: string[][]; tagsStay: boolean }> {
  if (!job.staging || !(await madeAgain(x.query(job), x.program(job, 'podman'), job)))
    return { steps: planned, tagsStay: false };
  o.onOutput?.(
    job,
    `${job.tags[0]}: every step came from the cache and made the images this tag names already; the tag stays on its list\n`,
  );
  return { steps: job.staging.discard, tagsStay: true };
}
