import type { ResolvedConfig } from '../config/types';
import { bakeArgv, bakeFile, bakeFilePath } from '../engines/buildxBake';
import { metadataPath, ociArchivePath } from '../engines/paths';
import { platformTag, variantTags } from '../engines/references';
import { partialPath } from '../engines/staging';
import { cellId, type Job, type Plan, type OutputMode } from '../jobs';

export interface BakePlanOptions {
  output: OutputMode;
  canLoadManifestList?: boolean;
  builder?: string;
}

/**
 * Build All with buildx: one `docker buildx bake` over a generated bake file (one target per variant, group
 * `all`), so BuildKit schedules every variant and platform at once and shares the cache between them.
 */
export function bakePlan(config: ResolvedConfig, o: BakePlanOptions): Plan {
  const file = bakeFilePath(config.root);
  const content =
    JSON.stringify(
      bakeFile(config, config.variants, { output: o.output, canLoadManifestList: o.canLoadManifestList }),
      null,
      2,
    ) + '\n';
  const cells = config.variants.flatMap((v) => v.platforms.map((platform) => ({ variant: v.name, platform })));
  const perArch = o.output === 'load' && !o.canLoadManifestList;
  const cellImages = Object.fromEntries(
    config.variants.flatMap((v) =>
      v.platforms.map((p) => [
        cellId({ variant: v.name, platform: p }),
        perArch && v.platforms.length > 1 ? platformTag(config, v, p) : variantTags(config, v, o.output === 'push')[0]!,
      ]),
    ),
  );
  const job: Job = {
    id: 'bake:all',
    engine: 'buildx',
    variant: 'all',
    platforms: [...new Set(cells.map((c) => c.platform))],
    output: o.output,
    tags: [...new Set(Object.values(cellImages))],
    cells,
    cellImages,
    files: { [file]: content },
    argv: bakeArgv(config.root, o.builder ? { builder: o.builder } : {}),
    program: 'docker',
    metadataFile: metadataPath(config.root, 'bake'),
    cwd: config.root,
    ...(o.output === 'oci'
      ? {
          cellOciPaths: Object.fromEntries(cells.map((c) => [cellId(c), ociArchivePath(config.root, c.variant)])),
          staging: {
            discard: [],
            files: Object.fromEntries(
              config.variants.map((v) => [
                partialPath(ociArchivePath(config.root, v.name)),
                ociArchivePath(config.root, v.name),
              ]),
            ),
          },
        }
      : {}),
  };
  return { engine: 'buildx', jobs: [job] };
}
