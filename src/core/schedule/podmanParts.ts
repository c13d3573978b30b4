import { join } from 'node:path';
import type { Job } from '../jobs';
import { stateDir } from '../state/paths';

/** Where a part's image id is written: the project's state folder, named by the job's temporary list and the platform. */
export function partIidFile(root: string, temp: string, platform: string): string {
  return join(stateDir(root), 'parts', `${temp.slice(temp.lastIndexOf(':') + 1)}-${platform.replace(/\//g, '-')}.iid`);
}

/**
 * The list source that stands for the image a part built, in `after`: the runner puts in the id podman wrote
 * to the part's iid file (core/build/jobFiles.ts); a printed plan reads it as the shell would.
 */
export function partImageSource(iidfile: string): string {
  return `containers-storage:$(cat ${iidfile})`;
}

/** The iid file `arg` reads, when it is a partImageSource. */
export function partImageFile(arg: string): string | undefined {
  return /^containers-storage:\$\(cat (.+)\)$/.exec(arg)?.[1];
}

/**
 * A multi-platform podman job as one build per platform. podman 4.3 builds the platforms of one
 * `--platform a,b` call one after the other (a shared stage is not the only serial part: so is every
 * variant layer), so split, the native platform's builds run while the emulated one's warm-up still
 * runs (bench/build-all.ts). Concurrent `--manifest` builds into one list would race on the list, so each
 * part writes its image id to a file of its own (`--iidfile`, no tag) and `after` makes the list from those
 * ids; the replace-on-success steps (moving the user's tags onto the list) follow unchanged. A list made from
 * ids, not names, is what podman 4.3 can push and export later (it finds an instance added by name through
 * that name again). The parts carry no temporary tag: that saves a `podman image inspect` and a `podman
 * untag` per part after the last build, on the critical path (bench/README.md); a failed or cancelled part leaves
 * an untagged image, as a failed build's intermediate layers are.
 */
export function splitPlatforms(job: Job): Job {
  const manifest = job.argv.indexOf('--manifest');
  const platform = job.argv.indexOf('--platform');
  if (job.engine !== 'podman' || job.platforms.length < 2 || job.parts || manifest < 0 || platform < 0 || !job.staging)
    return job;
  const temp = job.argv[manifest + 1]!;
  const parts = job.platforms.map((p) => {
    const iidfile = partIidFile(job.cwd, temp, p);
    const argv = job.argv.map((a, i) =>
      i === platform + 1 ? p : i === manifest ? '--iidfile' : i === manifest + 1 ? iidfile : a,
    );
    return { platform: p, argv, iidfile };
  });
  return {
    ...job,
    argv: parts[0]!.argv,
    parts,
    after: [
      ['podman', 'manifest', 'create', temp, ...parts.map((p) => partImageSource(p.iidfile))],
      ...(job.after ?? []),
    ],
  };
}

/**
 * A split job as the one build it was before splitPlatforms: every platform in one `--manifest` call, without
 * the parts and the step that made the list from them. For a job whose builds will all come from the cache (a
 * `--rebuild` of a job nothing changed for): with no warm-up to run beside, the split only adds builds, and
 * one-process builds at once ended sooner (bench/README.md, "A rebuild of an unchanged job is one build").
 * A job that is not split, or not as splitPlatforms splits, comes back as it is.
 */
export function joinParts(job: Job): Job {
  const [create, ...after] = job.after ?? [];
  const first = job.parts?.[0];
  const temp = create?.[3];
  if (!first || !temp || create[1] !== 'manifest' || create[2] !== 'create') return job;
  const iidfile = first.argv.indexOf('--iidfile');
  const platform = first.argv.indexOf('--platform');
  if (iidfile < 0 || platform < 0) return job;
  const argv = first.argv.map((a, i) =>
    i === platform + 1 ? job.platforms.join(',') : i === iidfile ? '--manifest' : i === iidfile + 1 ? temp : a,
  );
  const whole: Job = { ...job, argv, after };
  delete whole.parts;
  if (!after.length) delete whole.after;
  return whole;
}
