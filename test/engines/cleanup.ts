// Removing what a test built, tagged or pushed, for every tier (engines, integration, e2e). Nothing here reads
// .cache/engines.env at import: the integration and e2e tiers load it without the engine setup too.
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseConfig } from '../../src/core/config/loadConfig';
import { runTool } from '../../src/core/engines/exec';
import { parseManifestList, platformRefs } from '../../src/core/engines/podmanOutput';
import type { EngineKind, OutputMode } from '../../src/core/jobs';
import { buildPlan } from '../../src/core/matrix/plan';
import { readStoreFiles, type StoreContents } from '../../src/core/engines/podmanStore';
import { unusedImages } from '../../src/core/engines/unusedImages';
import { parseReference, registryApiHost } from '../../src/core/reference';
import { podmanStores, storeLocation, type PodmanStoreRef } from '../../scripts/podmanStore.mjs';

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/**
 * Deletes `ref`'s manifest from the test registry (distribution 2.x, deletes enabled) and, for an index, each
 * platform's. A reference without a tag means every tag of the repository, or those `which` picks (for a
 * repository other runs push to as well). The registry deletes only by digest (DELETE by tag answers 400),
 * and a deleted digest takes every tag on it along, including the multiarch-push-* tags publish leaves on
 * each platform's manifest. The repository stays in _catalog with no tags until its folder goes too
 * (removeRepositoryFolder; scripts/leftovers.mjs counts both). Missing is fine.
 */
export async function removeFromRegistry(ref: string, which: (tag: string) => boolean = () => true): Promise<void> {
  const parsed = parseReference(ref);
  if (parsed.path.startsWith('multiarch/')) throw new Error(`${ref} is a base the setup pushed for every run`);
  const base = `http://${registryApiHost(parsed)}/v2/${parsed.path}`;
  let tags = parsed.tag ? [parsed.tag] : [];
  if (!parsed.tag) {
    const res = await fetch(`${base}/tags/list`);
    tags = res.ok ? (((await res.json()) as { tags?: string[] | null }).tags ?? []).filter(which) : [];
  }
  const digests = new Set<string>();
  for (const tag of tags) {
    const res = await fetch(`${base}/manifests/${tag}`, { headers: { accept: ACCEPT } });
    if (!res.ok) continue;
    const body = (await res.json()) as { manifests?: Array<{ digest: string }> };
    for (const m of body.manifests ?? []) digests.add(m.digest);
    const digest = res.headers.get('docker-content-digest');
    if (digest) digests.add(digest);
  }
  for (const d of digests) {
    const res = await fetch(`${base}/manifests/${d}`, { method: 'DELETE' });
    if (!res.ok && res.status !== 404)
      throw new Error(`DELETE ${base}/manifests/${d}: ${res.status} ${await res.text()}`);
  }
}

/**
 * Removes a repository's folder (`path`, e.g. `cold/t123-1`) from the test registry's storage under `state`
 * (setup's MULTIARCH_STATE), after its manifests were deleted: without it the repository stays in the catalog,
 * with no tag, for good (distribution has no call that removes a name). The blobs stay until a garbage
 * collection, as for any deleted manifest. Nothing to do without a state folder (a registry of someone else's).
 */
export async function removeRepositoryFolder(state: string | undefined, path: string): Promise<void> {
  if (!state || path.split('/').includes('..')) return;
  await rm(join(state, 'registry', 'docker', 'registry', 'v2', 'repositories', path), { recursive: true, force: true });
}

/**
 * Removes images built under `tags`: podman manifest lists with their per-platform instances, or plain
 * images. podman 4.3's `manifest rm` cannot find a list without a host-arch instance (rmi removes that one),
 * and neither removes the instances; they are found by `name@digest` while the list still names them, and
 * removed by ID after it. A tag in `registry` (a push output) is deleted there too.
 */
export async function removeImages(
  engine: EngineKind,
  program: string,
  tags: Iterable<string>,
  env: NodeJS.ProcessEnv,
  registry = env.MULTIARCH_REGISTRY,
): Promise<void> {
  const run = (argv: string[]) => runTool([program, ...argv], { env, timeoutMs: 60_000 });
  for (const tag of new Set(tags)) {
    const listed = engine === 'podman' ? await run(['manifest', 'inspect', tag]) : undefined;
    const ids: string[] = [];
    for (const ref of listed?.ok ? Object.values(platformRefs(tag, parseManifestList(listed.stdout))) : []) {
      const id = await run(['image', 'inspect', '--format', '{{.Id}}', ref]);
      if (id.ok) ids.push(id.stdout.trim());
    }
    if (!(listed && (await run(['manifest', 'rm', tag])).ok)) await run(['rmi', tag]);
    for (const id of ids) await run(['rmi', id]);
    if (registry && tag.startsWith(`${registry}/`)) {
      await removeFromRegistry(tag);
      await removeEmptyRepository(tag, env.MULTIARCH_STATE);
    }
  }
}

/**
 * Removes `ref`'s repository from the test registry's storage once no tag is left in it (a fixture's image, which
 * each run pushes under tags of its own), so the catalog does not keep the name. One that still has a tag belongs
 * to another run and stays.
 */
async function removeEmptyRepository(ref: string, state: string | undefined): Promise<void> {
  const parsed = parseReference(ref);
  const res = await fetch(`http://${registryApiHost(parsed)}/v2/${parsed.path}/tags/list`).catch(() => undefined);
  if (!res?.ok) return;
  const { tags } = (await res.json()) as { tags?: string[] | null };
  if (!tags?.length) await removeRepositoryFolder(state, parsed.path);
}

/**
 * Removes every image a build of the project at `root` can have made, on podman and dockerd, kept or pushed:
 * for tiers that build through the extension, which do not see the plan it ran.
 */
export async function removeProjectImages(root: string, env: NodeJS.ProcessEnv): Promise<void> {
  const file = join(root, 'multiarch.yaml');
  if (!existsSync(file)) return;
  const parsed = parseConfig(await readFile(file, 'utf8'), file);
  if (!parsed.ok) return;
  const outputs: OutputMode[] = parsed.config.registry ? ['load', 'push'] : ['load'];
  for (const engine of ['podman', 'docker'] as const) {
    const program = (engine === 'podman' ? env.MULTIARCH_PODMAN : env.MULTIARCH_DOCKER) ?? engine;
    const tags = outputs.flatMap((output) =>
      buildPlan(parsed.config, { engine, output, canLoadManifestList: engine === 'podman' }).jobs.flatMap((j) => [
        ...j.tags,
        ...Object.values(j.platformTags ?? {}),
      ]),
    );
    await removeImages(engine, program, tags, env);
  }
}

/** What a podman store held when a test run started (markPodmanStores); removeMadeSince keeps all of it. */
export interface StoreMark {
  store: PodmanStoreRef;
  /** When the store was read (ms). */
  at: number;
  ids: Set<string>;
}

export async function markPodmanStores(env: NodeJS.ProcessEnv): Promise<StoreMark[]> {
  const marks: StoreMark[] = [];
  for (const store of podmanStores(env)) {
    const at = Date.now();
    const ids = new Set((await readPodmanStore(store.storageConf)).images.map((i) => i.id));
    marks.push({ store, at, ids });
  }
  return marks;
}

/**
 * The images a run made that nothing names or keeps, to remove when it ends: podman keeps an image per build
 * step (`--layers`, its build cache), and a stage another stage only copies from, a failed or cancelled build's
 * finished steps and a split job's parts of a failed build are such images with no name; removing a test's tags
 * and lists takes only the chain under each image it names. Kept: whatever the store held at `mark`, anything
 * named, a list's instances (but those of an unnamed list made since, which goes too), an image a container
 * uses, and every image below one of those (its layers are the kept image's parents), so another run's named
 * result keeps its chain (src/core/engines/unusedImages.ts, which also decides what a replaced list leaves).
 * Lists come first (`podman manifest rm`: `rmi` of a list id removes one of its instances instead), then
 * images, each before its parent.
 */
export function madeSince(
  mark: Pick<StoreMark, 'at' | 'ids'>,
  now: StoreContents,
): { lists: string[]; images: string[] } {
  const made = now.images.filter((i) => !mark.ids.has(i.id) && i.created >= mark.at);
  const lists = made.filter((i) => i.list && !i.names.length).map((i) => i.id);
  const pool = made.filter((i) => !i.list).map((i) => i.id);
  return { lists, images: unusedImages(now, pool, { goneLists: new Set(lists) }) };
}

async function readPodmanStore(storageConf: string): Promise<StoreContents> {
  const { graphRoot, driver } = await storeLocation(storageConf);
  return readStoreFiles(graphRoot, driver);
}

/**
 * Removes from each store what madeSince finds, never an image the store held at its mark, and returns per store
 * the ids removed. For the end of a test run (a file or a tier), once the tests' own tags and lists have gone.
 * Another run building in the same store meanwhile may lose its unnamed step images (its cache).
 */
export async function removeMadeSince(marks: StoreMark[], env: NodeJS.ProcessEnv): Promise<Record<string, string[]>> {
  const program = env.MULTIARCH_PODMAN ?? 'podman';
  const removed: Record<string, string[]> = {};
  for (const mark of marks) {
    const storeEnv = { ...env, CONTAINERS_STORAGE_CONF: mark.store.storageConf };
    const run = (argv: string[]) => runTool([program, ...argv], { env: storeEnv, timeoutMs: 300_000 });
    const { lists, images } = madeSince(mark, await readPodmanStore(mark.store.storageConf));
    for (const id of lists) await run(['manifest', 'rm', id]);
    // --no-prune: a parent the store held before stays even when nothing builds on it any more.
    for (let i = 0; i < images.length; i += 100)
      await run(['rmi', '--no-prune', '--ignore', ...images.slice(i, i + 100)]);
    const left = new Set((await readPodmanStore(mark.store.storageConf)).images.map((i) => i.id));
    removed[mark.store.name] = [...lists, ...images].filter((id) => !left.has(id));
  }
  return removed;
}
