import { formatReference, normalize, parseReference } from '../reference';
import { PlatformCache } from './cache';
import { RegistryClient } from './client';
import { loadRegistryHosts } from './hosts';

export { RegistryClient, RegistryError, formatPlatform, samePlatform, sha256Digest, type ManifestBytes } from './client';
export { PlatformCache, PLATFORM_CACHE_TTL_MS } from './cache';
export { loadRegistryHosts, type RegistryCredentials, type RegistryHosts } from './hosts';
export { assembleIndex, configPlatform, OCI_INDEX, type IndexEntry, type IndexPart, type IndexPlatform } from './imageIndex';

/** Platforms of an image by reference text: the cache first, then the registry (and the answer cached). */
export type PlatformLookup = (image: string) => Promise<string[]>;

export function platformLookup(client: RegistryClient, cache?: PlatformCache): PlatformLookup {
  const inflight = new Map<string, Promise<string[]>>();
  return (image) => {
    const ref = parseReference(image);
    const key = formatReference(normalize(ref));
    let p = inflight.get(key);
    if (!p) {
      p = (async () => {
        const cached = await cache?.get(key);
        if (cached) return cached;
        const platforms = await client.platforms(ref);
        await cache?.set(key, platforms);
        return platforms;
      })();
      inflight.set(key, p);
      // A failed lookup may succeed later (the network comes back): do not remember failures.
      p.catch(() => inflight.delete(key));
    }
    return p;
  };
}

/** The lookup the CLI and the editor use: this machine's registry settings, cached under `root`'s state folder. */
export async function projectPlatformLookup(root: string, env: Record<string, string | undefined> = process.env): Promise<PlatformLookup> {
  return platformLookup(new RegistryClient(await loadRegistryHosts(env)), PlatformCache.forProject(root));
}
