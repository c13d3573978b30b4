// Reads the images of each variant's newest successful builds and compares their architectures.
import { isAbsolute, resolve } from 'node:path';
import type { ImageFs } from '../layers/imageArchive';
import { readLocalImage, readOciImages, readRegistryImages } from '../layers/imageSources';
import { isLoopbackDomain, parseReference } from '../reference';
import type { BuildRecord } from '../results/types';
import { latestSucceeded } from '../sizes/buildRecords';
import { localEngineOf, samePlatform, type CollectOptions } from '../sizes/collectSizes';
import { compareImages, type ArchComparison } from './explainSizes';
import { programsFromEnv } from '../sizes/programs';
import { runTool } from '../sizes/runTool';

export async function compareArchitectures(records: BuildRecord[], opts: CollectOptions): Promise<ArchComparison[]> {
  const run = opts.run ?? runTool;
  const programs = opts.programs ?? programsFromEnv(opts.env);
  const env = opts.env ? { env: opts.env } : {};
  const archives = new Map<string, Promise<ImageFs[]>>();
  const cached = (key: string, load: () => Promise<ImageFs[]>) => {
    let p = archives.get(key);
    if (!p) archives.set(key, (p = load()));
    return p;
  };

  const imageOf = async (r: BuildRecord): Promise<ImageFs> => {
    const pick = (images: ImageFs[], where: string): ImageFs => {
      const found = images.find((i) => samePlatform(i.platform, r.platform)) ?? (images.length === 1 ? images[0] : undefined);
      if (!found) throw new Error(`no ${r.platform} image in ${where} (found: ${images.map((i) => i.platform).join(', ') || 'none'})`);
      return { ...found, platform: r.platform };
    };
    if (r.ociPath) {
      const path = isAbsolute(r.ociPath) ? r.ociPath : resolve(opts.root, r.ociPath);
      return pick(await cached(`oci:${path}`, () => readOciImages(path)), path);
    }
    if (!r.image) throw new Error('the build recorded no image reference or OCI path');
    if (r.output === 'push') {
      const image = r.image;
      const tool = opts.registryTool ?? (r.engine === 'buildx' ? 'buildx' : 'skopeo');
      const insecure = opts.insecureRegistry ?? isLoopbackDomain(parseReference(image).domain);
      return pick(
        await cached(`registry:${image}`, () =>
          readRegistryImages(image, { run, tool, insecure, ...(tool === 'buildx' ? { program: programs.docker } : {}), ...env }),
        ),
        image,
      );
    }
    const engine = localEngineOf(r);
    return { ...(await readLocalImage(engine, r.image, r.platform, { program: programs[engine], run, ...env })), platform: r.platform };
  };

  const wanted = opts.variants?.length ? new Set(opts.variants) : undefined;
  const byVariant = new Map<string, BuildRecord[]>();
  for (const r of latestSucceeded(records)) {
    if (wanted && !wanted.has(r.variant)) continue;
    byVariant.set(r.variant, [...(byVariant.get(r.variant) ?? []), r]);
  }
  const out: ArchComparison[] = [];
  for (const [variant, cells] of [...byVariant].sort(([a], [b]) => a.localeCompare(b))) {
    cells.sort((a, b) => a.platform.localeCompare(b.platform));
    const images: ImageFs[] = [];
    const errors: { platform: string; error: string }[] = [];
    // one platform at a time: each one streams a whole image
    for (const r of cells) {
      try {
        images.push(await imageOf(r));
      } catch (err) {
        errors.push({ platform: r.platform, error: err instanceof Error ? err.message : String(err) });
      }
    }
    out.push(compareImages(variant, images, errors));
  }
  return out;
}
