import { archLabel } from '../config/platform';
import { localAvailability } from '../engines/emulation';
import { metadataPath } from '../engines/paths';
import type { Job, JobPart } from '../jobs';
import { nameOf, parseReference } from '../reference';

/**
 * Whether Build All pushing with buildx builds one process per platform (splitBuildxPlatforms) rather than
 * one bake: when some variant has a platform this machine emulates beside one it does not. One bake runs every
 * step as soon as it can, so the native platform's steps of every variant ran beside the emulated platform's
 * shared steps, the run's critical path, and slowed it; split, the emulated builds run at once (BuildKit runs
 * the steps they share once) and keep a core, while the native builds run in the cores left
 * (EmulationReserve; bench/README.md, "buildx: one build per platform").
 */
export function splitsPerPlatform(variants: Array<{ platforms: string[] }>, host: string): boolean {
  const emulated = (p: string) => localAvailability(p, host, []).state !== 'native';
  return variants.some((v) => v.platforms.length > 1 && v.platforms.some(emulated) && !v.platforms.every(emulated));
}

/**
 * A buildx push of several platforms as one build per platform. Each part pushes its image by digest into the
 * variant's repository (`push-by-digest`: no tag moves) and writes its own metadata file, which names that
 * digest; once every part has pushed, the runner puts one index listing them under the variant's tags
 * (core/build/keepPlatforms.ts `putUpIndex`). So a variant's tag moves only when all its platforms built, and
 * a failed or cancelled part leaves it where it was. A job whose tags are in more than one repository, or
 * that is not a plain multi-platform push, comes back as it is.
 */
export function splitBuildxPlatforms(job: Job): Job {
  if (job.engine !== 'buildx' || job.output !== 'push' || job.platforms.length < 2) return job;
  if (job.parts || job.cells || job.node || job.keepPlatforms?.length) return job;
  const repos = [...new Set(job.tags.map((t) => nameOf(parseReference(t))))];
  const push = job.argv.indexOf('--push');
  const platform = job.argv.indexOf('--platform');
  const metadata = job.argv.indexOf('--metadata-file');
  if (repos.length !== 1 || push < 0 || platform < 0 || metadata < 0) return job;
  const parts = job.platforms.map((p): JobPart => {
    const metadataFile = metadataPath(job.cwd, `${job.id}-${archLabel(p)}`);
    const argv: string[] = [];
    for (let i = 0; i < job.argv.length; i++) {
      const a = job.argv[i]!;
      if (a === '-t') i++;
      else if (i === push) argv.push('--output', `type=image,name=${repos[0]},push-by-digest=true,push=true`);
      else argv.push(i === platform + 1 ? p : i === metadata + 1 ? metadataFile : a);
    }
    return { platform: p, argv, metadataFile };
  });
  const split: Job = { ...job, argv: parts[0]!.argv, parts };
  delete split.metadataFile;
  return split;
}
