import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { obj, parseJsonWith, str } from './jsonSchema';

/**
 * Parsers for `podman ps --external --format json`, `podman images --format json` and buildah's container state,
 * and the reader of a store's own files (readStoreFiles).
 */
export interface StoredContainer {
  id: string;
  /** `storage` for containers podman does not manage itself, such as buildah's working containers. */
  state: string;
  /** Unix seconds. */
  created?: number;
}

const psSchema = { type: 'array', items: obj({ Id: str, State: str, Created: { type: 'number' } }, ['Id']) } as const;

export function parseContainerList(text: string): StoredContainer[] {
  return parseJsonWith<{ Id: string; State?: string; Created?: number }[]>(psSchema, text, 'podman ps').map((c) => ({
    id: c.Id,
    state: c.State ?? '',
    ...(c.Created !== undefined ? { created: c.Created } : {}),
  }));
}

export interface StoredImage {
  id: string;
  names: string[];
  /** The digest of the image's manifest (a list's, for a manifest list). */
  digest?: string;
}

const imagesSchema = {
  type: 'array',
  items: obj({ Id: str, Names: { type: ['array', 'null'], items: str }, Digest: str }, ['Id']),
} as const;

/** `podman images --format json`: one row per image (podman repeats a row per name; merged here). */
export function parseImageList(text: string): StoredImage[] {
  const rows = parseJsonWith<{ Id: string; Names?: string[] | null; Digest?: string }[]>(
    imagesSchema,
    text,
    'podman images',
  );
  const byId = new Map<string, StoredImage>();
  for (const r of rows) byId.set(r.Id, { id: r.Id, names: r.Names ?? [], ...(r.Digest ? { digest: r.Digest } : {}) });
  return [...byId.values()];
}

const buildahSchema = obj({ Args: { type: ['object', 'null'], additionalProperties: str } });

/** The build args buildah recorded for a working container (`userdata/buildah.json`). */
export function parseBuildahArgs(text: string): Record<string, string> {
  return parseJsonWith<{ Args?: Record<string, string> | null }>(buildahSchema, text, 'buildah.json').Args ?? {};
}

/**
 * One image of a podman store as containers/storage records it (`<graphroot>/<driver>-images/images.json`).
 * Read from the files because `podman images` fails outright while any manifest list in the store names an
 * instance not committed yet (a build in flight, or one killed), which is the usual state during a Build All.
 */
export interface ImageRecord {
  id: string;
  names: string[];
  /** Every name the image ever had, the current ones included (containers/storage keeps them). */
  namesHistory: string[];
  /** Milliseconds since the epoch (0 when unknown). */
  created: number;
  /** The top layer; absent for an image without layers (a list, or FROM scratch before any file). */
  layer?: string;
  /** Every manifest digest the image is known by (a pulled instance: its own and its list's). */
  digests: string[];
  list: boolean;
  /** A list's instance digests. */
  instances: string[];
}

export interface StoreContents {
  images: ImageRecord[];
  layers: Array<{ id: string; parent?: string }>;
  containers: Array<{ id: string; names: string[]; image: string }>;
}

const strings = { type: ['array', 'null'], items: str } as const;
const imagesFileSchema = {
  type: 'array',
  items: obj(
    {
      id: str,
      names: strings,
      'names-history': strings,
      created: str,
      layer: str,
      digest: str,
      digests: strings,
      'big-data-names': strings,
    },
    ['id'],
  ),
} as const;
const layersFileSchema = { type: 'array', items: obj({ id: str, parent: str }, ['id']) } as const;
const containersFileSchema = { type: 'array', items: obj({ id: str, names: strings, image: str }, ['id']) } as const;
const listFileSchema = { type: 'object', properties: { manifests: { type: ['array', 'null'] } } } as const;

interface RawImage {
  id: string;
  names?: string[] | null;
  'names-history'?: string[] | null;
  created?: string;
  layer?: string;
  digest?: string;
  digests?: string[] | null;
  'big-data-names'?: string[] | null;
}

/**
 * The images, layers and containers (buildah's working containers too) of the store at `graphRoot` with
 * `driver` (`podman info`: store.graphRoot, store.graphDriverName). A file not written yet is an empty list.
 */
export async function readStoreFiles(graphRoot: string, driver: string): Promise<StoreContents> {
  const read = async <T>(kind: string, schema: object): Promise<T[]> => {
    const file = join(graphRoot, `${driver}-${kind}`, `${kind}.json`);
    const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '[]';
      throw err;
    });
    return parseJsonWith<T[]>(schema, text, file);
  };
  const images: ImageRecord[] = [];
  for (const i of await read<RawImage>('images', imagesFileSchema)) {
    const bigData = i['big-data-names'] ?? [];
    // podman keeps a list's instances beside its manifest; an image's own manifest is not a list.
    const list = bigData.includes('instances.json');
    const digests = [i.digest, ...(i.digests ?? []), ...bigData.map((n) => /^manifest-(sha256:.+)$/.exec(n)?.[1])];
    images.push({
      id: i.id,
      names: i.names ?? [],
      namesHistory: i['names-history'] ?? [],
      created: Date.parse(i.created ?? '') || 0,
      ...(i.layer ? { layer: i.layer } : {}),
      digests: [...new Set(digests.filter((d): d is string => Boolean(d)))],
      list,
      instances: list ? await listInstances(join(graphRoot, `${driver}-images`, i.id, 'manifest')) : [],
    });
  }
  const layers = (await read<{ id: string; parent?: string }>('layers', layersFileSchema)).map((l) => ({
    id: l.id,
    ...(l.parent ? { parent: l.parent } : {}),
  }));
  const containers = (
    await read<{ id: string; names?: string[] | null; image?: string }>('containers', containersFileSchema)
  ).map((c) => ({ id: c.id, names: c.names ?? [], image: c.image ?? '' }));
  return { images, layers, containers };
}

async function listInstances(manifestFile: string): Promise<string[]> {
  try {
    const list = parseJsonWith<{ manifests?: Array<{ digest?: unknown }> | null }>(
      listFileSchema,
      await readFile(manifestFile, 'utf8'),
      manifestFile,
    );
    return (list.manifests ?? []).flatMap((m) => (typeof m.digest === 'string' ? [m.digest] : []));
  } catch {
    return []; // a list committed half-way: nothing to keep alive through it
  }
}
