// One platform image's layers, read from an image archive streamed once: an OCI archive (`oci-archive`,
// buildx `type=oci`) or a Docker archive (`docker save`, `podman save`). Manifests and configs are kept in
// memory; layer blobs are listed as they stream past and never stored.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import type { JSONSchemaType } from 'ajv';
import { compileSchema } from '../schema';
import { INDEX_TYPES, isAttestation } from '../sizes/mediaTypes';
import { isIndexDocument, parseJson, toIndex, toManifest } from '../sizes/ociSchemas';
import { readImageConfig, type RunConfig } from './imageConfig';
import { coalesce, looksLikeLayer, peek, readLayer, type LayerEntry, type ReadLayerOptions } from './layerEntries';
import { messageOf } from '../errors';

export interface ImageLayer {
  /** Digest (OCI) or member name (Docker archive) of the layer blob. */
  id: string;
  /** The instruction that created it, from the config history ('' when the history does not say). */
  createdBy: string;
  entries: LayerEntry[];
}

export interface ImageFs {
  platform: string;
  /** ENTRYPOINT, CMD and ENV from the image config (every reader sets it). */
  run?: RunConfig;
  /** Manifest digest, when the source has one. */
  digest?: string;
  layers: ImageLayer[];
}

/** What a blob store must answer: JSON documents as text, layer blobs as entry lists. */
export interface BlobStore {
  where: string;
  text(digest: string): Promise<string>;
  layer(digest: string): Promise<LayerEntry[]>;
}

/** JSON members bigger than this are not manifests or configs. */
const MAX_JSON = 16 * 1024 * 1024;
const MAX_DEPTH = 8;

interface Collected {
  json: Map<string, string>;
  layers: Map<string, LayerEntry[]>;
}

async function collect(input: Readable, what: string, opts: ReadLayerOptions): Promise<Collected> {
  const tar = extract();
  const feeding = pipeline(Readable.from(coalesce(input)), tar);
  const out: Collected = { json: new Map(), layers: new Map() };
  try {
    for await (const member of tar) {
      const name = member.header.name.replace(/^(\.\/)+/, '');
      if (member.header.type !== 'file' || !member.header.size) {
        member.resume();
        continue;
      }
      const { head, stream } = await peek(member as unknown as AsyncIterable<Buffer>, 512);
      if ((head[0] === 0x7b || head[0] === 0x5b) && member.header.size <= MAX_JSON) {
        const chunks: Buffer[] = [];
        for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
        out.json.set(name, Buffer.concat(chunks).toString('utf8'));
      } else if (looksLikeLayer(head)) {
        out.layers.set(
          name,
          await readLayer(stream, opts).catch((err: unknown) => {
            throw new Error(`layer ${name}: ${messageOf(err)}`);
          }),
        );
      } else {
        stream.resume();
        await new Promise((resolve) => stream.on('end', resolve).on('close', resolve));
      }
    }
  } catch (err) {
    throw new Error(`${what} is not a readable image archive: ${messageOf(err)}`);
  } finally {
    await feeding.catch(() => undefined);
  }
  return out;
}

/** Every platform image in an archive stream (OCI or Docker archive), with each layer's entries. */
export async function readImageArchive(input: Readable, what: string, opts: ReadLayerOptions = {}): Promise<ImageFs[]> {
  const c = await collect(input, what, opts);
  const index = c.json.get('index.json');
  if (index !== undefined) {
    const store: BlobStore = {
      where: what,
      text: async (d) => c.json.get(blobName(d)) ?? missing(d, what),
      layer: async (d) => c.layers.get(blobName(d)) ?? missing(d, what),
    };
    return walkImages(parseJson(index, `${what} index.json`), undefined, store);
  }
  const manifest = c.json.get('manifest.json');
  if (manifest !== undefined) return dockerArchive(manifest, c, what);
  throw new Error(`${what} has neither index.json (OCI) nor manifest.json (Docker archive)`);
}

function blobName(digest: string): string {
  const m = /^([a-z0-9]+(?:[.+_-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/.exec(digest);
  if (!m) throw new Error(`invalid digest "${digest}"`);
  return `blobs/${m[1]}/${m[2]}`;
}

function missing(digest: string, where: string): never {
  throw new Error(`blob ${digest} is missing from ${where}: the export is incomplete; rebuild or re-export the image`);
}

/** Index → nested index → platform manifests → layers, over any blob store (archive, layout, registry). */
export async function walkImages(doc: unknown, digest: string | undefined, store: BlobStore): Promise<ImageFs[]> {
  const out: ImageFs[] = [];
  const seen = new Set<string>();
  const visit = async (d: { digest: string; mediaType: string }, depth: number): Promise<void> => {
    if (seen.has(d.digest)) return;
    seen.add(d.digest);
    if (depth > MAX_DEPTH) throw new Error(`index nesting deeper than ${MAX_DEPTH} at ${d.digest}`);
    const child = parseJson(await store.text(d.digest), d.digest);
    if (INDEX_TYPES.has(d.mediaType) || isIndexDocument(child)) {
      for (const m of toIndex(child, d.digest).manifests) if (!isAttestation(m)) await visit(m, depth + 1);
    } else {
      out.push(await imageFromManifest(child, d.digest, store));
    }
  };
  if (isIndexDocument(doc)) {
    for (const m of toIndex(doc, digest ?? 'index').manifests) if (!isAttestation(m)) await visit(m, 1);
  } else {
    out.push(await imageFromManifest(doc, digest, store));
  }
  return out;
}

async function imageFromManifest(doc: unknown, digest: string | undefined, store: BlobStore): Promise<ImageFs> {
  const m = toManifest(doc, digest ?? 'manifest');
  const config = readImageConfig(await store.text(m.config.digest), `config ${m.config.digest}`);
  const layers: ImageLayer[] = [];
  for (const [i, l] of m.layers.entries()) {
    layers.push({ id: l.digest, createdBy: config.layerCommands[i] ?? '', entries: await store.layer(l.digest) });
  }
  return { platform: config.platform, run: config.run, ...(digest ? { digest } : {}), layers };
}

interface DockerManifestEntry {
  Config: string;
  Layers: string[];
}

const dockerManifestSchema: JSONSchemaType<DockerManifestEntry[]> = {
  type: 'array',
  items: {
    type: 'object',
    required: ['Config', 'Layers'],
    properties: { Config: { type: 'string' }, Layers: { type: 'array', items: { type: 'string' } } },
  },
};
const validateDockerManifest = compileSchema<DockerManifestEntry[]>(dockerManifestSchema);

function dockerArchive(manifestText: string, c: Collected, what: string): ImageFs[] {
  const doc = parseJson(manifestText, `${what} manifest.json`);
  if (!validateDockerManifest(doc)) throw new Error(`${what} manifest.json is not a Docker archive manifest`);
  return doc.map((entry) => {
    const configText = c.json.get(entry.Config.replace(/^(\.\/)+/, ''));
    if (configText === undefined) throw new Error(`${what} has no ${entry.Config} (the image config)`);
    const config = readImageConfig(configText, `${what} ${entry.Config}`);
    return {
      platform: config.platform,
      run: config.run,
      layers: entry.Layers.map((name, i) => {
        const entries = c.layers.get(name.replace(/^(\.\/)+/, ''));
        if (!entries) throw new Error(`${what} has no layer ${name}`);
        return { id: name, createdBy: config.layerCommands[i] ?? '', entries };
      }),
    };
  });
}
