import { cellId, type Job } from '../jobs';
import { buildArgs, compose, named } from './argv';
import { ociArchivePath } from './paths';
import { platformTag, variantTags } from './references';
import { isLoopbackDomain, tryParseReference } from '../reference';
import { markerArgs, partialPath, stagingRef } from './staging';
import type { JobBuilder } from './types';

/**
 * `podman build --platform a,b --manifest TEMP`: one job per variant, every platform in one call, the
 * result a local manifest list under a temporary name (staging.ts). Only when the build succeeded do the
 * after-steps export or push it and then `podman tag` it with the user's tags, which moves each name off
 * the previous list; the temporary name is dropped with `podman manifest rm`, which only untags a list
 * that has other names. Loading needs nothing more (each platform resolves with
 * `podman run --platform P NAME` or `NAME@digest`), so the build itself never depends on a registry.
 */
export const podmanJobs: JobBuilder = (req) => {
  const { config, variant, platforms, output } = req;
  const push = output === 'push';
  const tags = variantTags(config, variant, push);
  const temp = stagingRef(tags[0]!, platforms);
  const argv = compose(
    ['podman', 'build'],
    named('--platform', platforms.join(',')),
    named('--manifest', temp),
    named('-f', variant.dockerfile),
    named('--target', variant.target),
    buildArgs(variant.args),
    markerArgs(temp),
    [variant.context],
  );
  const drop = ['podman', 'manifest', 'rm', temp];
  const promote = [['podman', 'tag', temp, ...tags], drop];
  const job: Job = {
    id: variant.name,
    engine: 'podman',
    variant: variant.name,
    platforms,
    output,
    tags,
    argv,
    program: 'podman',
    dockerfile: variant.dockerfile,
    cwd: config.root,
    // `--manifest` appends to an existing list: a temporary list a killed run left behind must not leak in.
    before: [drop],
    after: promote,
    staging: { discard: [drop], marker: temp, replaces: tags },
  };
  if (output === 'oci') {
    const dest = ociArchivePath(config.root, variant.name);
    const partial = partialPath(dest);
    return [
      {
        ...job,
        ociPath: dest,
        after: [['podman', 'manifest', 'push', '--all', temp, `oci-archive:${partial}`], ...promote],
        staging: { ...job.staging!, files: { [partial]: dest } },
      },
    ];
  }
  if (push) {
    return [
      {
        ...job,
        after: [
          ...tags.map((t) => compose(['podman', 'manifest', 'push', '--all'], tlsFlags(t), [temp, `docker://${t}`])),
          ...promote,
        ],
      },
    ];
  }
  return [job];
};

/**
 * One plain image per platform under its per-arch tag (`podman build --platform P -t TEMP`, then tagged on
 * success): how a build node keeps what it built, so the image can be pushed by digest, saved or loaded as
 * one platform's image (core/nodes/publish.ts). Same replace-on-success and working-container marker as above.
 */
export const podmanImageJobs: JobBuilder = (req) => {
  const { config, variant, platforms } = req;
  return platforms.map((platform): Job => {
    const tag = platformTag(config, variant, platform);
    const temp = stagingRef(tag, [platform]);
    const drop = ['podman', 'rmi', temp];
    return {
      id: cellId({ variant: variant.name, platform }),
      engine: 'podman',
      variant: variant.name,
      platforms: [platform],
      output: 'load',
      tags: [tag],
      platformTags: { [platform]: tag },
      argv: compose(
        ['podman', 'build'],
        named('--platform', platform),
        named('-t', temp),
        named('-f', variant.dockerfile),
        named('--target', variant.target),
        buildArgs(variant.args),
        markerArgs(temp),
        [variant.context],
      ),
      program: 'podman',
      dockerfile: variant.dockerfile,
      cwd: config.root,
      after: [['podman', 'tag', temp, tag], drop],
      staging: { discard: [drop], marker: temp },
    };
  });
};

/**
 * podman verifies TLS for every registry unless registries.conf says otherwise; a registry on the
 * loopback interface is plain HTTP in practice (docker treats 127.0.0.0/8 as insecure by default too).
 */
export function tlsFlags(ref: string): string[] {
  return isLoopbackDomain(tryParseReference(ref)?.domain) ? ['--tls-verify=false'] : [];
}
