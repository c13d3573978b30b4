import { localPlatformLookup, type LocalPlatformLookup } from '../engines/localPlatforms';
import { formatReference, normalize, parseReference } from '../reference';
import { PlatformCache } from './cache';
import { RegistryClient } from './client';
import { loadRegistryHosts } from './hosts';
import { TaskQueue } from '../taskQueue';

export {
  RegistryClient,
  RegistryError,
  formatPlatform,
  samePlatform,
  sha256Digest,
  type ManifestBytes,
} from './client';
export { PlatformCache, PLATFORM_CACHE_TTL_MS } from './cache';
export { loadRegistryHosts, type RegistryCredentials, type RegistryHosts } from './hosts';
export {
  assembleIndex,
  configPlatform,
  LIST_TYPES,
  OCI_INDEX,
  type IndexEntry,
  type IndexPart,
  type IndexPlatform,
} from './imageIndex';

/** Platforms of an image by reference text: the cache first, then the registry (and the answer cached). */
export type PlatformLookup = (image: string) => Promise<string[]>;

/**
 * Look-ups running at once: each makes registry requests (and may start engine processes, which the local
 * look-up bounds on its own), and a lint of 1,000 variants with a base image each started them all at once
 * (hundreds of processes, unreaped while the event loop was busy, and Ctrl+C waited behind them).
 */
export const PLATFORM_LOOKUP_CONCURRENCY = 16;

/**
 * The local image stores first (`local`): a manifest list there is the answer. Then the cache, then the
 * registry (its answer cached). When the registry cannot answer (unreachable, or the image is local-only),
 * an image built or pulled here for its one platform is the answer; local answers are never cached.
 * One look-up per image (by its normalised reference, however many variants and stages name it), at most
 * `concurrency` at once.
 */
export function platformLookup(
  client: Pick<RegistryClient, 'platforms'>,
  {
    cache,
    local,
    concurrency = PLATFORM_LOOKUP_CONCURRENCY,
  }: { cache?: PlatformCache | undefined; local?: LocalPlatformLookup | undefined; concurrency?: number } = {},
): PlatformLookup {
  const inflight = new Map<string, Promise<string[]>>();
  const queue = new TaskQueue(concurrency);
  return (image) => {
    const ref = parseReference(image);
    const key = formatReference(normalize(ref));
    let p = inflight.get(key);
    if (!p) {
      p = queue.run(async () => {
        const here = await local?.(image).catch(() => undefined);
        if (here?.list) return here.platforms;
        const cached = await cache?.get(key);
        if (cached) return cached;
        let platforms: string[];
        try {
          platforms = await client.platforms(ref);
        } catch (err) {
          if (here) return here.platforms;
          throw err;
        }
        await cache?.set(key, platforms);
        return platforms;
      });
      inflight.set(key, p);
      // A failed lookup may succeed later (the network comes back): do not remember failures.
      p.catch(() => inflight.delete(key));
    }
    return p;
  };
}

/**
 * The lookup the CLI and the editor use: podman's and dockerd's stores, then this machine's registry
 * settings, cached under `root`'s state folder.
 */
export async function projectPlatformLookup(
  root: string,
  env: Record<string, string | undefined> = process.env,
): Promise<PlatformLookup> {
  return platformLookup(new RegistryClient(await loadRegistryHosts(env)), {
    cache: PlatformCache.forProject(root),
    local: localPlatformLookup({ env: env as NodeJS.ProcessEnv }),
  });
}
