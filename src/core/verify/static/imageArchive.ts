// Reads an image archive as one stream — an OCI archive (index.json + blobs/) or a docker archive
// (`docker save` / `podman save`: manifest.json + layer tars) — and returns each platform's file tree.
// Members come in any order, so each layer is summarised as it passes and the trees are put together at
// the end; nothing is written to disk and only each file's first bytes are kept.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import { compileSchema, firstError } from '../../schema';
import { isAttestation, platformString } from '../../sizes/mediaTypes';
import { isIndexDocument, toIndex, toManifest, type Descriptor } from '../../sizes/ociSchemas';
import { normalizePath, scanLayer, type FsEntry, type LayerSummary } from './layerScan';
import { mergeLayers } from './mergeLayers';
import { coalesce, peek, sniffCompression } from './streams';

export interface RunConfig {
  entrypoint: string[];
  cmd: string[];
  env: string[];
}

export interface ImageTree {
  platform: string;
  config: RunConfig;
  fs: Map<string, FsEntry>;
}

interface RawConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  config?: { Entrypoint?: string[] | null; Cmd?: string[] | null; Env?: string[] | null } | null;
}

const strings = { type: ['array', 'null'], items: { type: 'string' } };
const validConfig = compileSchema<RawConfig>({
  type: 'object',
  properties: {
    architecture: { type: 'string' },
    os: { type: 'string' },
    variant: { type: 'string' },
    config: { type: ['object', 'null'], properties: { Entrypoint: strings, Cmd: strings, Env: strings } },
  },
});

const validDockerManifest = compileSchema<Array<{ Config: string; Layers: string[] }>>({
  type: 'array',
  items: { type: 'object', required: ['Config', 'Layers'], properties: { Config: { type: 'string' }, Layers: { type: 'array', items: { type: 'string' } } } },
});

/** JSON members (index, manifests, configs) are small; a bigger one is not metadata. */
const MAX_JSON = 8 << 20;
/** An uncompressed tar holds at least one 512-byte header: anything smaller is not a layer (docker archives' VERSION files). */
const MIN_LAYER = 512;

interface Members {
  json: Map<string, unknown>;
  layers: Map<string, LayerSummary>;
}

async function readMembers(source: Readable | AsyncIterable<Buffer>): Promise<Members> {
  const members: Members = { json: new Map(), layers: new Map() };
  const tar = extract();
  const feeding = pipeline(Readable.from(coalesce(source)), tar);
  try {
    for await (const entry of tar) {
      const h = entry.header;
      const name = normalizePath(h.name);
      const body = entry as unknown as AsyncIterable<Buffer>;
      if (h.type !== 'file' || (h.size ?? 0) === 0) {
        entry.resume();
        continue;
      }
      const { head, all } = await peek(body, 4);
      if ((head[0] === 0x7b || head[0] === 0x5b) && (h.size ?? 0) <= MAX_JSON) {
        const parts: Buffer[] = [];
        for await (const chunk of all) parts.push(chunk);
        try {
          members.json.set(name, JSON.parse(Buffer.concat(parts).toString('utf8')));
        } catch {
          // Not JSON after all (a file that starts with a brace): not part of the image's metadata.
        }
      } else if ((h.size ?? 0) >= MIN_LAYER || sniffCompression(head) !== 'none') {
        members.layers.set(name, await scanLayer(all));
      } else {
        for await (const chunk of all) void chunk;
      }
    }
    await feeding;
  } catch (err) {
    tar.destroy();
    await feeding.catch(() => undefined);
    throw err;
  }
  return members;
}

function runConfig(doc: unknown, what: string): { platform: string; config: RunConfig } {
  if (!validConfig(doc)) throw new Error(`${what} is not an image config: ${firstError(validConfig)}`);
  const c = doc.config ?? {};
  return { platform: platformString(doc), config: { entrypoint: c.Entrypoint ?? [], cmd: c.Cmd ?? [], env: c.Env ?? [] } };
}

function blobName(digest: string): string {
  return `blobs/${digest.replace(':', '/')}`;
}

function need<T>(map: Map<string, T>, name: string, what: string): T {
  const v = map.get(name);
  if (v === undefined) throw new Error(`${what} (${name}) is missing from the archive: export the image again`);
  return v;
}

function fromOci(m: Members): ImageTree[] {
  const out: ImageTree[] = [];
  const visit = (d: Descriptor, depth: number): void => {
    if (isAttestation(d) || depth > 8) return;
    const doc = need(m.json, blobName(d.digest), `manifest ${d.digest}`);
    if (isIndexDocument(doc)) {
      for (const child of toIndex(doc, d.digest).manifests) visit(child, depth + 1);
      return;
    }
    const manifest = toManifest(doc, d.digest);
    const { platform, config } = runConfig(need(m.json, blobName(manifest.config.digest), `config ${manifest.config.digest}`), `config ${manifest.config.digest}`);
    const layers = manifest.layers.map((l) => need(m.layers, blobName(l.digest), `layer ${l.digest}`));
    out.push({ platform: d.platform ? platformString(d.platform) : platform, config, fs: mergeLayers(layers) });
  };
  for (const d of toIndex(m.json.get('index.json'), 'index.json').manifests) visit(d, 1);
  return out;
}

function fromDockerArchive(m: Members): ImageTree[] {
  const manifest = m.json.get('manifest.json');
  if (!validDockerManifest(manifest)) throw new Error(`manifest.json is not a docker archive manifest: ${firstError(validDockerManifest)}`);
  return manifest.map((image) => {
    const { platform, config } = runConfig(need(m.json, normalizePath(image.Config), 'image config'), image.Config);
    const layers = image.Layers.map((l) => need(m.layers, normalizePath(l), 'layer'));
    return { platform, config, fs: mergeLayers(layers) };
  });
}

/** Every platform image in the archive stream (an index may hold several). */
export async function readImageArchive(source: Readable | AsyncIterable<Buffer>): Promise<ImageTree[]> {
  const members = await readMembers(source);
  if (members.json.has('index.json')) return fromOci(members);
  if (members.json.has('manifest.json')) return fromDockerArchive(members);
  throw new Error('the archive has neither index.json (OCI) nor manifest.json (docker save)');
}
