import { join } from 'node:path';
import type { ResolvedConfig, ResolvedVariant } from '../config/types';
import { compose, named } from './argv';
import { ociArchivePath, metadataPath, stateDir } from './paths';
import { partialPath } from './staging';
import { platformTag, variantTags } from './references';
import { archLabel } from '../config/platform';
import type { OutputMode } from '../jobs';

/**
 * A bake file (JSON form of the documented `docker-bake` format): one target per variant and a group
 * `all`, so one `docker buildx bake` builds every variant in parallel and shares the cache between
 * targets that have steps in common.
 */
export interface BakeTarget {
  context: string;
  dockerfile: string;
  target?: string;
  platforms: string[];
  args: Record<string, string>;
  tags: string[];
  output?: string[];
}

export interface BakeFile {
  group: Record<string, { targets: string[] }>;
  target: Record<string, BakeTarget>;
}

/** Bake target names allow letters, digits, `_` and `-`; variant names are mapped onto that. */
export function bakeTargetName(variant: string): string {
  return variant.replace(/[^A-Za-z0-9_-]/g, '_');
}

export function bakeFile(
  config: ResolvedConfig,
  variants: ResolvedVariant[],
  { output, canLoadManifestList = false }: { output: OutputMode; canLoadManifestList?: boolean },
): BakeFile {
  const target: Record<string, BakeTarget> = {};
  for (const v of variants) {
    if (output === 'load' && v.platforms.length > 1 && !canLoadManifestList) {
      // The classic image store cannot hold a manifest list: one target per platform, each under its per-arch tag.
      for (const p of v.platforms) {
        target[bakeTargetName(`${v.name}-${archLabel(p)}`)] = {
          ...common(v),
          platforms: [p],
          tags: [platformTag(config, v, p)],
          output: ['type=docker'],
        };
      }
      continue;
    }
    target[bakeTargetName(v.name)] = {
      ...common(v),
      platforms: v.platforms,
      tags: variantTags(config, v, output === 'push'),
      output: [bakeOutput(config, v, output)],
    };
  }
  return { group: { all: { targets: Object.keys(target) } }, target };
}

function common(v: ResolvedVariant): Pick<BakeTarget, 'context' | 'dockerfile' | 'target' | 'args'> {
  return { context: v.context, dockerfile: v.dockerfile, ...(v.target ? { target: v.target } : {}), args: v.args };
}

function bakeOutput(config: ResolvedConfig, v: ResolvedVariant, output: OutputMode): string {
  switch (output) {
    case 'push':
      return 'type=registry';
    case 'oci':
      return `type=oci,dest=${partialPath(ociArchivePath(config.root, v.name))}`;
    case 'load':
      // A manifest list only loads into a containerd image store; single-platform targets always load.
      return 'type=docker';
  }
}

export function bakeFilePath(root: string): string {
  return join(stateDir(root), 'docker-bake.json');
}

/** `docker buildx bake -f FILE --metadata-file M all`; the caller writes the file first. */
export function bakeArgv(root: string, opts: { builder?: string; group?: string } = {}): string[] {
  return compose(
    ['docker', 'buildx', 'bake'],
    named('--builder', opts.builder),
    named('-f', bakeFilePath(root)),
    named('--metadata-file', metadataPath(root, 'bake')),
    [opts.group ?? 'all'],
  );
}
