// Types for podmanStore.mjs (used by test/engines/cleanup.ts).
import type { StoreContents } from '../src/core/engines/podmanStore';

export interface PodmanStoreRef {
  /** As the leftovers check names it: `podman` (this machine's) or `node2 podman`. */
  name: string;
  storageConf: string;
}

export function podmanStores(env: Record<string, string | undefined>): PodmanStoreRef[];
export function storeLocation(storageConf: string): Promise<{ graphRoot: string; driver: string }>;
export function readPodmanStore(storageConf: string): Promise<StoreContents>;
