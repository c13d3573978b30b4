import type { ImageRecord, StoreContents } from './podmanStore';
import { isStagingRef } from './staging';

/**
 * Which images of a podman store nothing keeps any more, read from its files (podmanStore.ts readStoreFiles):
 * for the images a replaced manifest list leaves (build/promote.ts) and for what a test run's builds left
 * (test/engines/cleanup.ts). podman itself never asks: `rmi` does not know about manifest lists, so removing
 * an image a list still names breaks that list, and its parent pruning removes a list's unnamed instance as
 * readily as a build step's image.
 */
export interface UnusedOptions {
  /** Lists being removed with these images: their instances are not kept through them. */
  goneLists?: ReadonlySet<string>;
  /** Keep an image that ever had a name (names-history), not only one named now: one the user named once. */
  keepOnceNamed?: boolean;
}

/**
 * Names a build gives an image for a moment: buildah commits every image under `<64 hex>-tmp` first (each
 * step's and each platform's image of a `--manifest` build carries it in its names-history), and the
 * replace-on-success temporary name (staging.ts). Neither is a name the user gave.
 */
function buildName(ref: string): boolean {
  return /(?:^|\/)[0-9a-f]{64}-tmp(?::latest)?$/.test(ref) || isStagingRef(ref);
}

/**
 * The images of `pool` that nothing keeps, lists left out (they go with `podman manifest rm`), each before
 * the image it is built on, so `podman rmi --no-prune` can take them in this order. Kept: an image with a
 * name, an instance of any list not in `goneLists`, an image a container (a buildah working container too)
 * uses, and every image under one that is kept or not in the pool (its layers are that image's parents) and made
 * no later than it.
 */
export function unusedImages(store: StoreContents, pool: Iterable<string>, opts: UnusedOptions = {}): string[] {
  const ids = new Set(pool);
  const gone = opts.goneLists ?? new Set<string>();
  const listed = new Set(store.images.filter((i) => i.list && !gone.has(i.id)).flatMap((i) => i.instances));
  const used = new Set(store.containers.map((c) => c.image));
  const keeps = (i: ImageRecord) =>
    i.names.length > 0 ||
    (opts.keepOnceNamed && i.namesHistory.some((n) => !buildName(n))) ||
    used.has(i.id) ||
    i.digests.some((d) => listed.has(d));
  const loose = store.images.filter((i) => ids.has(i.id) && !i.list && !keeps(i));
  const looseIds = new Set(loose.map((i) => i.id));
  const parentOf = new Map(store.layers.map((l) => [l.id, l.parent]));
  const chain = (top: string | undefined) => {
    const layers: string[] = [];
    for (let layer = top; layer && !layers.includes(layer); layer = parentOf.get(layer)) layers.push(layer);
    return layers;
  };
  // Each layer under a kept image, with the latest time such an image was made: a loose image on that layer made
  // later was not built on by it (a step without a layer of its own of another build: a sibling, not a parent).
  const keptUntil = new Map<string, number>();
  const keep = (top: string | undefined, at: number) => {
    for (const layer of chain(top)) keptUntil.set(layer, Math.max(keptUntil.get(layer) ?? -Infinity, at));
  };
  for (const i of store.images) if (!looseIds.has(i.id)) keep(i.layer, i.created);
  // A container may still commit on top of its image (a buildah working container): all under it stays.
  for (const c of store.containers) keep(store.images.find((i) => i.id === c.image)?.layer, Infinity);
  const depth = new Map(loose.map((i) => [i.id, chain(i.layer).length]));
  return loose
    .filter((i) => !(i.layer && (keptUntil.get(i.layer) ?? -Infinity) >= i.created))
    .sort((a, b) => depth.get(b.id)! - depth.get(a.id)! || b.created - a.created)
    .map((i) => i.id);
}

/**
 * What goes with the manifest lists `lists` (ids) once they are removed: their instances and the build-step
 * images under them (podman keeps one per step), where nothing else keeps them (unusedImages); never an image
 * that ever had a name. `store` is read before the lists are removed, since their instances are read from them.
 * An image on an instance's top layer made after it was built on it (a step without a layer of its own), so it
 * is no step of the instance's and keeps it.
 */
export function replacedListImages(store: StoreContents, lists: string[]): string[] {
  const gone = new Set(lists);
  const digests = new Set(store.images.filter((i) => i.list && gone.has(i.id)).flatMap((i) => i.instances));
  const instances = store.images.filter((i) => !i.list && i.digests.some((d) => digests.has(d)));
  const parentOf = new Map(store.layers.map((l) => [l.id, l.parent]));
  const pool = new Set(instances.map((i) => i.id));
  for (const instance of instances) {
    const under = new Set<string>();
    for (let layer = instance.layer; layer && !under.has(layer); layer = parentOf.get(layer)) under.add(layer);
    for (const i of store.images)
      if (!i.list && i.layer && under.has(i.layer) && i.created <= instance.created) pool.add(i.id);
  }
  return unusedImages(store, pool, { goneLists: gone, keepOnceNamed: true });
}
