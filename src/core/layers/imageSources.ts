// Opens the per-platform images a build produced, wherever they are, as streamed layer listings:
// an OCI layout directory or archive, a registry, or the engine's local store (`docker save` / `podman save`).
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseReference } from '../reference';
import type { RegistryClient } from '../registry';
import { withDigest } from '../sizes/registrySizes';
import { isIndexDocument, parseIndex, parseJson } from '../sizes/ociSchemas';
import { platformString } from '../sizes/mediaTypes';
import { toolOutput, type ToolRunner } from '../engines/exec';
import { readImageArchive, walkImages, type BlobStore, type ImageFs } from './imageArchive';
import { readLayer, type ReadLayerOptions } from './layerEntries';

function blobFile(dir: string, digest: string): string {
  const m = /^([a-z0-9]+(?:[.+_-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/.exec(digest);
  if (!m) throw new Error(`invalid digest "${digest}"`);
  return join(dir, 'blobs', m[1]!, m[2]!);
}

/** Every platform image of an OCI layout (directory) or OCI / Docker archive (file). */
export async function readOciImages(path: string, opts: ReadLayerOptions = {}): Promise<ImageFs[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new Error(`${path} does not exist: build with output "oci" first`);
  if (!info.isDirectory()) return readImageArchive(createReadStream(path), path, opts);
  const index = await readFile(join(path, 'index.json'), 'utf8').catch(() => {
    throw new Error(`${path} is not an OCI image layout (no index.json)`);
  });
  const store: BlobStore = {
    where: path,
    text: (d) => readFile(blobFile(path, d), 'utf8'),
    layer: (d) => readLayer(createReadStream(blobFile(path, d)), opts),
  };
  return walkImages(parseJson(index, `${path}/index.json`), undefined, store);
}

/**
 * The platform images of a pushed reference through the project's registry client (auth files, insecure
 * registries): manifests and configs as text, layer blobs streamed.
 */
export async function readRegistryImages(
  image: string,
  client: RegistryClient,
  opts: ReadLayerOptions = {},
): Promise<ImageFs[]> {
  const ref = parseReference(image);
  const text = async (d: string) => {
    const chunks: Buffer[] = [];
    for await (const c of await client.blob(ref, d)) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const store: BlobStore = {
    where: image,
    // a digest may name a manifest (an index entry) or a plain blob (a config)
    text: async (d) => client.manifest(ref, d).catch(() => text(d)),
    layer: async (d) => readLayer(await client.blob(ref, d), opts),
  };
  return walkImages(parseJson(await client.manifest(ref, ref.digest ?? ref.tag ?? 'latest'), image), undefined, store);
}

export type LocalEngine = 'docker' | 'podman';

export interface LocalImageOptions extends ReadLayerOptions {
  program: string;
  env?: Record<string, string | undefined>;
  run: ToolRunner;
  timeoutMs?: number;
}

/**
 * One platform of a locally stored image. A podman manifest list is resolved to the platform's instance
 * (`podman save` of a list would save the host's platform only).
 */
export async function readLocalImage(
  { engine, image, platform }: { engine: LocalEngine; image: string; platform: string },
  o: LocalImageOptions,
): Promise<ImageFs> {
  let ref = image;
  if (engine === 'podman') {
    const list = await toolOutput(o.run, [o.program, 'manifest', 'inspect', image], o.env ? { env: o.env } : {}).catch(
      () => undefined,
    );
    if (list && isIndexDocument(parseJson(list, image))) {
      const same = (p: string) =>
        p.replace(/^(linux\/arm64)\/v8$/, '$1') === platform.replace(/^(linux\/arm64)\/v8$/, '$1');
      const entry = parseIndex(list, `manifest list ${image}`).manifests.find(
        (d) => d.platform && same(platformString(d.platform)),
      );
      if (!entry) throw new Error(`manifest list ${image} has no ${platform} image`);
      ref = withDigest(image, entry.digest);
    }
  }
  const images = await saveStream(engine, ref, o);
  if (!images[0]) throw new Error(`${engine} save ${ref} produced no image`);
  return images[0];
}

async function saveStream(engine: LocalEngine, ref: string, o: LocalImageOptions): Promise<ImageFs[]> {
  // execa is ESM-only; this package compiles to CommonJS, so it is loaded with a dynamic import.
  const { execa } = await import('execa');
  const sub = execa(o.program, ['save', ref], {
    reject: false,
    buffer: { stdout: false, stderr: true },
    stdin: 'ignore',
    timeout: o.timeoutMs ?? 600_000,
    ...(o.env ? { env: o.env } : {}),
  });
  const reading = readImageArchive(sub.stdout, `${engine} save ${ref}`, o);
  // an archive we cannot read must not leave `save` blocked on a full pipe
  reading.catch(() => sub.kill());
  const [images, done] = await Promise.allSettled([reading, sub]);
  const result = done.status === 'fulfilled' ? done.value : undefined;
  if (!result || result.exitCode !== 0) {
    const msg =
      String(result?.stderr ?? '')
        .trim()
        .split('\n')
        .slice(-2)
        .join(' ') || `exit code ${result?.exitCode ?? '?'}`;
    throw new Error(`${o.program} save ${ref} failed: ${msg}`);
  }
  if (images.status === 'rejected') throw images.reason;
  return images.value;
}
