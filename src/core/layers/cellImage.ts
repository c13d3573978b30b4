// The image of one built cell, wherever the build put it: its OCI archive or layout, the registry it was
// pushed to, or the engine's local store. Shared by `sizes --compare` and `verify --static`.
import { isAbsolute, resolve } from 'node:path';
import { loadRegistryHosts, RegistryClient } from '../registry';
import type { BuildRecord } from '../results/types';
import { localEngineOf, samePlatform, type CollectOptions } from '../sizes/collectSizes';
import { programsFromEnv } from '../sizes/programs';
import { runTool } from '../engines/exec';
import type { ImageFs } from './imageArchive';
import { readLocalImage, readOciImages, readRegistryImages } from './imageSources';
import type { ReadLayerOptions } from './layerEntries';

export type CellImageOptions = CollectOptions & ReadLayerOptions;

/** A reader of cells' images; an archive or pushed index holding several platforms is read once. */
export function cellImageReader(opts: CellImageOptions): (r: BuildRecord) => Promise<ImageFs> {
  const run = opts.run ?? runTool;
  const programs = opts.programs ?? programsFromEnv(opts.env);
  const env = opts.env ? { env: opts.env } : {};
  const layerOpts = opts.headBytes ? { headBytes: opts.headBytes } : {};
  let client: Promise<RegistryClient> | undefined;
  const archives = new Map<string, Promise<ImageFs[]>>();
  const cached = (key: string, load: () => Promise<ImageFs[]>) => {
    let p = archives.get(key);
    if (!p) archives.set(key, (p = load()));
    return p;
  };
  return async (r) => {
    const pick = (images: ImageFs[], where: string): ImageFs => {
      const found =
        images.find((i) => samePlatform(i.platform, r.platform)) ?? (images.length === 1 ? images[0] : undefined);
      if (!found)
        throw new Error(
          `no ${r.platform} image in ${where} (found: ${images.map((i) => i.platform).join(', ') || 'none'})`,
        );
      return { ...found, platform: r.platform };
    };
    if (r.ociPath) {
      const path = isAbsolute(r.ociPath) ? r.ociPath : resolve(opts.root, r.ociPath);
      return pick(await cached(`oci:${path}`, () => readOciImages(path, layerOpts)), path);
    }
    if (!r.image) throw new Error('the build recorded no image reference or OCI path');
    if (r.output === 'push') {
      const image = r.image;
      // the project's one registry client: auth files and insecure registries as podman and docker see them
      client ??= loadRegistryHosts(opts.env ?? process.env).then((hosts) => new RegistryClient(hosts));
      const c = await client;
      return pick(await cached(`registry:${image}`, () => readRegistryImages(image, c, layerOpts)), image);
    }
    const engine = localEngineOf(r);
    return {
      ...(await readLocalImage(
        { engine, image: r.image, platform: r.platform },
        { program: programs[engine], run, ...env, ...layerOpts },
      )),
      platform: r.platform,
    };
  };
}
