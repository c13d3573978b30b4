// The podman stores the tests build in, for the leftovers check (scripts/leftovers.mjs) and the tests' removal of
// what their builds left (test/engines/cleanup.ts). A store's files are read by the product's own reader
// (src/core/engines/podmanStore.ts readStoreFiles, loaded through tsx), which also finds what a replaced
// manifest list leaves: `podman images` fails outright while any manifest list points at an instance not yet
// committed (a build in flight, or one killed), and these files also list buildah's working containers.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';

/**
 * The podman stores the tests build in, by the names the leftovers check reports: this machine's and the
 * second build node's (a podman service on this machine whose store is under MULTIARCH_STATE).
 */
export function podmanStores(env) {
  const stores = [];
  if (env.CONTAINERS_STORAGE_CONF) stores.push({ name: 'podman', storageConf: env.CONTAINERS_STORAGE_CONF });
  const node2Conf = env.MULTIARCH_STATE && join(env.MULTIARCH_STATE, 'node2', 'storage.conf');
  if (env.MULTIARCH_NODE2_PODMAN && node2Conf && existsSync(node2Conf))
    stores.push({ name: 'node2 podman', storageConf: node2Conf });
  return stores;
}

/** The graph root and driver the storage.conf at `storageConf` configures. */
export async function storeLocation(storageConf) {
  const conf = await readFile(storageConf, 'utf8');
  const graphRoot = /^\s*graphroot\s*=\s*"([^"]+)"/m.exec(conf)?.[1];
  const driver = /^\s*driver\s*=\s*"([^"]+)"/m.exec(conf)?.[1] ?? 'overlay';
  if (!graphRoot) throw new Error(`${storageConf} names no graphroot`);
  return { graphRoot, driver };
}

let reader;

/** Images, layers and containers of the store `storageConf` configures (readStoreFiles). */
export async function readPodmanStore(storageConf) {
  const { graphRoot, driver } = await storeLocation(storageConf);
  reader ??= tsImport('../src/core/engines/podmanStore.ts', import.meta.url);
  return (await reader).readStoreFiles(graphRoot, driver);
}
