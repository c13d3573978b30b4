import type { Job, JobPart } from '../jobs';
import { tryParseReference } from '../reference';

/** The temporary tag of one platform's image: the job's temporary list name plus the platform. */
export function partRef(temp: string, platform: string): string {
  return `${temp}-${platform.replace(/\//g, '-')}`;
}

/**
 * `ref` as the containers-storage transport finds it: podman stores a name without a registry domain as
 * `localhost/<name>`, while the transport would read it as a Docker Hub name.
 */
export function storageRef(ref: string): string {
  return `containers-storage:${tryParseReference(ref)?.domain === undefined ? `localhost/${ref}` : ref}`;
}

/**
 * A multi-platform podman job as one build per platform. podman 4.3 builds the platforms of one
 * `--platform a,b` call one after the other (a shared stage is not the only serial part: so is every
 * variant layer), so split, the native platform's builds run while the emulated one's warm-up still
 * runs (bench/build-all.ts). Concurrent `--manifest` builds into one list would race on the list, so each
 * part tags its image under a temporary name of its own and `after` makes the list from them; the
 * replace-on-success steps (moving the user's tags onto the list) follow unchanged. A failure or cancel
 * untags the parts (never `rmi`: an unchanged rebuild's image is the user's current list instance). A part
 * tag a killed run left behind needs no clearing first: `--tag` moves it, where `--manifest` would append.
 */
export function splitPlatforms(job: Job): Job {
  const manifest = job.argv.indexOf('--manifest');
  const platform = job.argv.indexOf('--platform');
  if (job.engine !== 'podman' || job.platforms.length < 2 || job.parts || manifest < 0 || platform < 0 || !job.staging) return job;
  const temp = job.argv[manifest + 1]!;
  const parts = job.platforms.map((p): JobPart => {
    const ref = partRef(temp, p);
    const argv = job.argv.map((a, i) => (i === platform + 1 ? p : i === manifest ? '--tag' : i === manifest + 1 ? ref : a));
    return { platform: p, argv, ref };
  });
  const untag = parts.map((p) => ['podman', 'untag', p.ref]);
  return {
    ...job,
    argv: parts[0]!.argv,
    parts,
    after: [['podman', 'manifest', 'create', temp, ...parts.map((p) => storageRef(p.ref))], ...untag, ...(job.after ?? [])],
    staging: { ...job.staging, discard: [...untag, ...job.staging.discard] },
  };
}
