import { join } from 'node:path';
import { archLabel } from '../config/platform';
import { cellId, type Job } from '../jobs';
import { buildArgs, compose, named } from './argv';
import { stateDir } from './paths';
import { platformTag, pushedPlatformTag } from './references';
import { partialPath, stagingRef } from './staging';
import type { JobBuilder } from './types';

/**
 * Docker's own BuildKit without the buildx plugin (e.g. Debian's docker.io 20.10): `DOCKER_BUILDKIT=1
 * docker build` takes one platform per call and has no OCI exporter, so every platform is its own job
 * under a per-arch tag. OCI mode saves that image with `docker save` (a docker-archive tar, which
 * `docker load` and skopeo read); push mode pushes each per-arch tag.
 *
 * dockerd names the image only once the build has succeeded (BuildKit exports it, then tags it), so a load or
 * OCI build writes under the user's tag directly: a failed or cancelled rebuild leaves the previous image
 * under it. Only a push, which needs the tag on the new image before it can fail, builds under a temporary
 * tag (staging.ts) and moves the user's tag back when the push fails. Two docker calls less per job matter
 * on a warm cache, where each call costs about as much as the build (bench/README.md, build-all.ts).
 */
export const dockerJobs: JobBuilder = (req) => {
  const { config, variant, platforms, output } = req;
  const push = output === 'push';
  return platforms.map((platform): Job => {
    const tag = (push ? pushedPlatformTag : platformTag)(config, variant, platform);
    const build = (name: string) =>
      compose(
        ['docker', 'build'],
        named('--platform', platform),
        // Plain progress keeps logs readable when not attached to a TTY and keeps `Dockerfile:N` lines intact.
        ['--progress=plain'],
        named('-f', variant.dockerfile),
        named('--target', variant.target),
        buildArgs(variant.args),
        named('-t', name),
        [variant.context],
      );
    const job: Job = {
      id: cellId({ variant: variant.name, platform }),
      engine: 'docker',
      variant: variant.name,
      platforms: [platform],
      output,
      tags: [tag],
      platformTags: { [platform]: tag },
      argv: build(tag),
      program: 'docker',
      dockerfile: variant.dockerfile,
      env: { DOCKER_BUILDKIT: '1' },
      cwd: config.root,
    };
    if (output === 'oci') {
      const dest = dockerArchivePath(config.root, variant.name, platform);
      const partial = partialPath(dest);
      return {
        ...job,
        ociPath: dest,
        after: [['docker', 'save', '-o', partial, tag]],
        staging: { discard: [], files: { [partial]: dest } },
      };
    }
    if (!push) return job;
    // `docker push` pushes a name, so the tag moves first; the temporary name is dropped only after the
    // push, and a failed push names the previous image again (Staging.restores) before the new one goes.
    const temp = stagingRef(tag, [platform]);
    const drop = ['docker', 'rmi', temp];
    return {
      ...job,
      argv: build(temp),
      after: [['docker', 'tag', temp, tag], ['docker', 'push', tag], drop],
      staging: { discard: [drop], restores: [tag] },
    };
  });
};

export function dockerArchivePath(root: string, variant: string, platform: string): string {
  return join(stateDir(root), 'out', `${variant}-${archLabel(platform)}.tar`);
}
