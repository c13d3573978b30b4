import { rename, rm } from 'node:fs/promises';
import { parseImageList, type StoreContents } from '../engines/podmanStore';
import { replacedListImages } from '../engines/unusedImages';
import type { Staging } from '../jobs';
import type { JobStore } from './discardJob';
import { halfCommitted } from './cleanup';
import type { EngineQuery } from './engineQuery';
import type { ToolResult } from '../engines/exec';

/**
 * Replace-on-success, the parts that are not engine argv: the job's after-steps have already moved the
 * user's tags onto the new image; here the staged files are renamed into place (an archive appears whole
 * or not at all) and, for podman, the manifest lists the tags named before are removed once nothing names
 * them any more, with the images only they used. A previous list that still carries a name the user gave it
 * elsewhere is kept.
 */
export async function promoteFiles(staging: Staging): Promise<void> {
  for (const [partial, final] of Object.entries(staging.files ?? {})) {
    await rm(final, { recursive: true, force: true });
    await rename(partial, final);
  }
}

/**
 * `podman images …`, asked again (up to 5 times, 0.5 s apart) while it fails because another build is committing
 * an image at that moment (cleanup.ts `halfCommitted`): the job's own build runs beside these queries, and a
 * failed answer would leave the replaced list in the store.
 */
export async function listImages(run: EngineQuery, argv: string[], pauseMs = 500): Promise<ToolResult> {
  for (let i = 1; ; i++) {
    const r = await run(argv);
    if (r.ok || i >= 5 || !halfCommitted.test(r.stderr)) return r;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

/** Ids of the manifest lists the tags name now (before the build replaces them). */
export async function namedManifestLists(program: string, tags: string[], run: EngineQuery): Promise<string[]> {
  const ids = new Set<string>();
  for (const tag of tags) {
    const r = await listImages(run, [program, 'images', '--no-trunc', '--format', 'json', tag]);
    if (!r.ok) continue;
    for (const image of safeImages(r.stdout)) {
      if ((await run([program, 'manifest', 'exists', image.id])).ok) ids.add(image.id);
    }
  }
  return [...ids];
}

/**
 * Removes the lists in `ids` that no name points to any more. Never `podman rmi` a list id: podman 4.3
 * resolves it to the list's native-platform image and deletes that instead, breaking the list.
 */
export async function removeUnnamedLists(program: string, ids: string[], run: EngineQuery): Promise<string[]> {
  const removed: string[] = [];
  for (const id of ids) {
    const r = await listImages(run, [program, 'images', '--no-trunc', '--format', 'json', '--filter', `id=${id}`]);
    const rows = r.ok ? safeImages(r.stdout) : [];
    if (rows.length !== 1 || rows[0]!.names.length) continue;
    if ((await run([program, 'manifest', 'rm', id])).ok) removed.push(id);
  }
  return removed;
}

/**
 * Removes the lists in `ids` that no name points to any more (removeUnnamedLists) and then their platform
 * images and those images' build steps, where nothing else keeps them: no name now or before, no other list,
 * no container, nothing built on them (engines/unusedImages.ts). Only after the new list holds the tags, and
 * each image before its parent, `--no-prune`: podman's own pruning of parents knows nothing of lists and
 * would take another list's unnamed instance (a pulled base's) along. `store` reads the store's files
 * (`undefined`: not readable from here, a remote podman: the images stay).
 */
export async function removeReplacedLists(
  ids: string[],
  { program, run, store }: { program: string; run: EngineQuery; store: () => Promise<StoreContents | undefined> },
): Promise<{ lists: string[]; images: string[]; error?: string }> {
  if (!ids.length) return { lists: [], images: [] };
  const before = await store();
  const lists = await removeUnnamedLists(program, ids, run);
  const images = before && lists.length ? replacedListImages(before, lists) : [];
  if (!images.length) return { lists, images };
  const r = await run([program, 'rmi', '--no-prune', '--ignore', ...images]);
  if (r.ok) return { lists, images };
  const left = new Set((await store())?.images.map((i) => i.id) ?? images);
  return { lists, images: images.filter((id) => !left.has(id)), error: (r.stderr || r.stdout).trim().split('\n')[0] };
}

/** removeReplacedLists for `job`'s tags, on its machine, said in the job's output. */
export async function removeReplaced(
  { exec, job, o }: JobStore,
  replaced: string[],
  store: () => Promise<StoreContents | undefined>,
): Promise<void> {
  const program = exec.program(job, 'podman');
  const { images, error } = await removeReplacedLists(replaced, { program, run: exec.query(job), store });
  if (images.length)
    o.onOutput?.(job, `removed ${images.length} unnamed image(s) that only the replaced manifest list used\n`);
  if (error) o.onOutput?.(job, `kept some images of the replaced manifest list: ${error}\n`);
}

function safeImages(text: string) {
  try {
    return parseImageList(text).map((i) => ({ ...i, id: i.id.replace(/^sha256:/, '') }));
  } catch {
    return [];
  }
}
