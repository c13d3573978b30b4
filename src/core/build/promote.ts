import { rename, rm } from 'node:fs/promises';
import { parseImageList } from '../engines/podmanStore';
import type { Staging } from '../jobs';
import type { EngineQuery } from './engineQuery';

/**
 * Replace-on-success, the parts that are not engine argv: the job's after-steps have already moved the
 * user's tags onto the new image; here the staged files are renamed into place (an archive appears whole
 * or not at all) and, for podman, the manifest lists the tags named before are removed once nothing names
 * them any more. A previous list that still carries a name the user gave it elsewhere is kept.
 */
export async function promoteFiles(staging: Staging): Promise<void> {
  for (const [partial, final] of Object.entries(staging.files ?? {})) {
    await rm(final, { recursive: true, force: true });
    await rename(partial, final);
  }
}

/** Ids of the manifest lists the tags name now (before the build replaces them). */
export async function namedManifestLists(program: string, tags: string[], run: EngineQuery): Promise<string[]> {
  const ids = new Set<string>();
  for (const tag of tags) {
    const r = await run([program, 'images', '--no-trunc', '--format', 'json', tag]);
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
    const r = await run([program, 'images', '--no-trunc', '--format', 'json', '--filter', `id=${id}`]);
    const rows = r.ok ? safeImages(r.stdout) : [];
    if (rows.length !== 1 || rows[0]!.names.length) continue;
    if ((await run([program, 'manifest', 'rm', id])).ok) removed.push(id);
  }
  return removed;
}

function safeImages(text: string) {
  try {
    return parseImageList(text).map((i) => ({ ...i, id: i.id.replace(/^sha256:/, '') }));
  } catch {
    return [];
  }
}
