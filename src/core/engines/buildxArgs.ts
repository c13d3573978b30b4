import { cellId, type Job } from '../jobs';
import { buildArgs, compose, flag, named, repeated } from './argv';
import { metadataPath, ociArchivePath } from './paths';
import { platformTag, variantTags } from './references';
import { partialPath } from './staging';
import type { JobBuilder, JobRequest } from './types';

/**
 * `docker buildx build` jobs. Loading several platforms at once fails with the classic docker store
 * ("docker exporter does not currently support exporting manifest lists"), so unless the store can hold a
 * manifest list, load mode builds one job per platform under a per-arch tag.
 */
export const buildxJobs: JobBuilder = (req) => {
  const { config, variant, platforms, output } = req;
  if (output === 'load' && platforms.length > 1 && !req.canLoadManifestList) {
    return platforms.map((p) => {
      const tag = platformTag(config, variant, p);
      return job(req, {
        id: cellId({ variant: variant.name, platform: p }),
        platforms: [p],
        tags: [tag],
        outputArgs: compose(flag('--load')),
        platformTags: { [p]: tag },
      });
    });
  }
  const id = variant.name;
  const others = variant.platforms.filter((p) => !platforms.includes(p));
  switch (output) {
    case 'load': {
      const tags = variantTags(config, variant, false);
      const platformTags = platforms.length === 1 ? { [platforms[0]!]: tags[0]! } : undefined;
      return [job(req, { id, platforms, tags, outputArgs: flag('--load'), platformTags })];
    }
    case 'push': {
      const j = job(req, { id, platforms, tags: variantTags(config, variant, true), outputArgs: flag('--push') });
      return [others.length ? { ...j, keepPlatforms: others } : j];
    }
    case 'oci': {
      // Written beside the archive and renamed once the build succeeded: a failed build keeps the last one.
      const dest = ociArchivePath(config.root, variant.name, others.length ? platforms : undefined);
      const partial = partialPath(dest);
      const j = job(req, {
        id,
        platforms,
        tags: variantTags(config, variant, false),
        outputArgs: named('--output', `type=oci,dest=${partial}`),
      });
      return [{ ...j, ociPath: dest, staging: { discard: [], files: { [partial]: dest } } }];
    }
  }
};

/** One build of `platforms` under `tags`; `outputArgs` say where the image goes. */
interface BuildxJob {
  id: string;
  platforms: string[];
  tags: string[];
  outputArgs: string[];
  platformTags?: Record<string, string>;
}

function job(req: JobRequest, { id, platforms, tags, outputArgs, platformTags }: BuildxJob): Job {
  const { config, variant } = req;
  const metadataFile = metadataPath(config.root, id);
  const argv = compose(
    ['docker', 'buildx', 'build'],
    named('--builder', req.builder),
    named('--platform', platforms.join(',')),
    named('-f', variant.dockerfile),
    named('--target', variant.target),
    buildArgs(variant.args),
    repeated('-t', tags),
    outputArgs,
    named('--metadata-file', metadataFile),
    [variant.context],
  );
  return {
    id,
    engine: 'buildx',
    variant: variant.name,
    platforms,
    output: req.output,
    tags,
    ...(platformTags ? { platformTags } : {}),
    argv,
    program: 'docker',
    dockerfile: variant.dockerfile,
    metadataFile,
    cwd: config.root,
  };
}
