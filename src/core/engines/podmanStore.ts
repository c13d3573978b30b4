import { obj, parseJsonWith, str } from './jsonSchema';

/** Parsers for `podman ps --external --format json`, `podman images --format json` and buildah's container state. */
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
}

const imagesSchema = {
  type: 'array',
  items: obj({ Id: str, Names: { type: ['array', 'null'], items: str } }, ['Id']),
} as const;

/** `podman images --format json`: one row per image (podman repeats a row per name; merged here). */
export function parseImageList(text: string): StoredImage[] {
  const rows = parseJsonWith<{ Id: string; Names?: string[] | null }[]>(imagesSchema, text, 'podman images');
  const byId = new Map<string, StoredImage>();
  for (const r of rows) byId.set(r.Id, { id: r.Id, names: r.Names ?? [] });
  return [...byId.values()];
}

const buildahSchema = obj({ Args: { type: ['object', 'null'], additionalProperties: str } });

/** The build args buildah recorded for a working container (`userdata/buildah.json`). */
export function parseBuildahArgs(text: string): Record<string, string> {
  return parseJsonWith<{ Args?: Record<string, string> | null }>(buildahSchema, text, 'buildah.json').Args ?? {};
}
