// Walks index → nested index → per-platform manifests, whatever stores the blobs (layout dir, archive, registry).
import { INDEX_TYPES, isAttestation, platformString } from './mediaTypes';
import { isIndexDocument, parseConfig, parseJson, toIndex, toManifest, type Descriptor } from './ociSchemas';
import type { PlatformImage } from './types';

/** Returns a blob's bytes as text; throws an error naming the digest when the blob is missing. */
export type BlobReader = (digest: string) => Promise<string>;

export interface WalkOptions {
  /** Read each config blob for `created` (and the platform when a manifest has none). Default true. */
  readConfig?: boolean;
  /** Keep only top-level entries whose `org.opencontainers.image.ref.name` annotation matches. */
  refName?: string;
  /** Where config blobs come from when not the same store as manifests (a registry's blob API). */
  configReader?: (configDigest: string, manifestDigest: string) => Promise<string>;
}

const REF_NAME = 'org.opencontainers.image.ref.name';
/** Nested indexes deeper than this are a loop or a broken document. */
const MAX_DEPTH = 8;

export async function walkIndexText(
  rootText: string,
  read: BlobReader,
  opts: WalkOptions = {},
): Promise<PlatformImage[]> {
  return walkDocument({ doc: parseJson(rootText, 'index.json'), digest: undefined }, read, opts);
}

/** Walks any top document: an index (the usual case) or a single-platform manifest. */
export async function walkDocument(
  { doc, digest }: { doc: unknown; digest: string | undefined },
  read: BlobReader,
  opts: WalkOptions = {},
): Promise<PlatformImage[]> {
  const walk: Walk = { read, opts, out: [], seen: new Set<string>() };
  if (isIndexDocument(doc)) {
    let entries = toIndex(doc, digest ?? 'index').manifests;
    if (opts.refName !== undefined) entries = entries.filter((d) => d.annotations?.[REF_NAME] === opts.refName);
    for (const d of entries) await visit(d, walk, 1);
  } else {
    walk.out.push(await fromManifest({ doc, digest: digest ?? 'unknown', d: undefined }, read, opts));
  }
  return walk.out;
}

/** One walk: how blobs are read, the options, the images found so far and the digests already visited. */
interface Walk {
  read: BlobReader;
  opts: WalkOptions;
  out: PlatformImage[];
  seen: Set<string>;
}

async function visit(d: Descriptor, walk: Walk, depth: number): Promise<void> {
  const { read, opts, out, seen } = walk;
  if (isAttestation(d) || seen.has(d.digest)) return;
  seen.add(d.digest);
  if (depth > MAX_DEPTH) throw new Error(`index nesting deeper than ${MAX_DEPTH} at ${d.digest}`);
  const doc = parseJson(await read(d.digest), d.digest);
  if (INDEX_TYPES.has(d.mediaType) || isIndexDocument(doc)) {
    for (const child of toIndex(doc, d.digest).manifests) await visit(child, walk, depth + 1);
    return;
  }
  out.push(await fromManifest({ doc, digest: d.digest, d }, read, opts));
}

/** A manifest document with its digest, and the index entry `d` that named it (none: the top document). */
async function fromManifest(
  { doc, digest, d }: { doc: unknown; digest: string; d: Descriptor | undefined },
  read: BlobReader,
  opts: WalkOptions,
): Promise<PlatformImage> {
  const m = toManifest(doc, digest);
  let platform = d?.platform ? platformString(d.platform) : undefined;
  let created: string | undefined;
  if (opts.readConfig !== false || !platform) {
    const text = opts.configReader ? await opts.configReader(m.config.digest, digest) : await read(m.config.digest);
    const config = parseConfig(text, `config ${m.config.digest}`);
    created = config.created;
    platform ??= platformString(config);
  }
  const layerBytes = m.layers.reduce((sum, l) => sum + l.size, 0);
  return {
    platform,
    digest,
    compressed: layerBytes + m.config.size,
    layers: m.layers.length,
    layerMediaTypes: m.layers.map((l) => l.mediaType),
    ...(created ? { created } : {}),
  };
}
