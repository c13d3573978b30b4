// Types for podmanStore.mjs (used by test/engines/cleanup.ts).
export interface PodmanStoreRef {
  /** As the leftovers check names it: `podman` (this machine's) or `node2 podman`. */
  name: string;
  storageConf: string;
}

export interface StoredImage {
  id: string;
  names: string[];
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

export interface PodmanStore {
  images: StoredImage[];
  layers: Array<{ id: string; parent?: string }>;
  containers: Array<{ id: string; names: string[]; image: string }>;
}

export function podmanStores(env: Record<string, string | undefined>): PodmanStoreRef[];
export function readPodmanStore(storageConf: string): Promise<PodmanStore>;
