// A podman image store read from containers/storage's own files, for the leftovers check
// (scripts/leftovers.mjs) and the tests' removal of what their builds left (test/engines/cleanup.ts).
// `podman images` fails outright while any manifest list points at an instance not yet committed (a build in
// flight, or one killed), and these files also list buildah's working containers.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

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

/**
 * Images, layers and containers of the store `storageConf` configures. Each image: id, names, names-history,
 * created (ms), top layer, every manifest digest it is known by, whether it is a manifest list, and for a list
 * the digests of its instances.
 */
export async function readPodmanStore(storageConf) {
  const conf = await readFile(storageConf, 'utf8');
  const graphroot = /^\s*graphroot\s*=\s*"([^"]+)"/m.exec(conf)?.[1];
  const driver = /^\s*driver\s*=\s*"([^"]+)"/m.exec(conf)?.[1] ?? 'overlay';
  if (!graphroot) throw new Error(`${storageConf} names no graphroot`);
  const read = async (kind) => {
    const file = join(graphroot, `${driver}-${kind}`, `${kind}.json`);
    return existsSync(file) ? JSON.parse(await readFile(file, 'utf8')) : [];
  };
  const images = [];
  for (const i of await read('images')) {
    const bigData = i['big-data-names'] ?? [];
    // podman keeps a list's instances beside its manifest; an image's own manifest is not a list.
    const list = bigData.includes('instances.json');
    images.push({
      id: i.id,
      names: i.names ?? [],
      namesHistory: i['names-history'] ?? [],
      created: Date.parse(i.created ?? '') || 0,
      layer: i.layer,
      digests: [
        ...new Set([i.digest, ...(i.digests ?? []), ...bigData.map((n) => /^manifest-(sha256:.+)$/.exec(n)?.[1])]),
      ].filter(Boolean),
      list,
      instances: list ? await listInstances(join(graphroot, `${driver}-images`, i.id, 'manifest')) : [],
    });
  }
  const layers = (await read('layers')).map((l) => ({ id: l.id, parent: l.parent }));
  const containers = (await read('containers')).map((c) => ({ id: c.id, names: c.names ?? [], image: c.image }));
  return { images, layers, containers };
}

async function listInstances(manifestFile) {
  try {
    return (JSON.parse(await readFile(manifestFile, 'utf8')).manifests ?? []).map((m) => m.digest);
  } catch {
    return []; // a list committed half-way: nothing to keep alive through it
  }
}
