import type { ImageRecord } from '../../../src/core/engines/podmanStore';

/** An image record as podmanStore.ts readStoreFiles reads it: unnamed, one digest, not a list, unless `more` says so. */
export function storeImage(id: string, created: number, more: Partial<ImageRecord> = {}): ImageRecord {
  return { id, names: [], namesHistory: [], created, digests: [`sha256:${id}`], list: false, instances: [], ...more };
}
