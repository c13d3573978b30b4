import { rename, rm } from 'node:fs/promises';
import { parseImageList, type StoreContents } from '../engines/podmanStore';
import { replacedListImages } from '../engines/unusedImages';
import type { Job, Staging } from '../jobs';
import type { JobExec } from './jobExec';
import type { RunOptions } from './runnerTypes';
import { halfCommitted } from './cleanup';
import type { EngineQuery } from './engineQuery';
import type { ToolResult } from '../engines/exec';
import { podmanStoredName } from '../reference';

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

/**
 * Ids of the manifest lists the tags name now (before the build replaces them), from `podman images`. Where that
 * still fails after listImages' tries, from the store's files (`store`; undefined where they cannot be read from
 * here): one list podman 4.3 cannot read makes `podman images` fail for the whole store, even for a name on
 * another list (seen in a store many runs shared), and a list no one found would be left behind once the tag
 * moves off it.
 */
export async function namedManifestLists(
  tags: string[],
  { program, run, store }: { program: string; run: EngineQuery; store?: () => Promise<StoreContents | undefined> },
): Promise<string[]> {
  const ids = new Set<string>();
  let files: Promise<StoreContents | undefined> | undefined;
  for (const tag of tags) {
    const r = await listImages(run, [program, 'images', '--no-trunc', '--format', 'json', tag]);
    if (!r.ok) {
      const name = podmanStoredName(tag);
      const contents = await (files ??= store?.() ?? Promise.resolve(undefined));
      for (const i of contents?.images ?? []) if (i.list && i.names.includes(name)) ids.add(i.id);
      continue;
    }
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
 * The lists of `ids` that no name points to any more, removed with one `podman manifest rm` (every podman call
 * takes the store's lock, so one per list ran one after the other at the run's end): which are unnamed lists is
 * read from the store's files, and which went from them again afterwards (podman removes every list it finds and
 * fails only on the others, so a list another process removed meanwhile costs nothing else).
 */
async function removeUnnamedListsTogether(
  ids: string[],
  before: StoreContents,
  { program, run, store }: { program: string; run: EngineQuery; store: () => Promise<StoreContents | undefined> },
): Promise<string[]> {
  const unnamed = ids.filter((id) => before.images.some((i) => i.id === id && i.list && !i.names.length));
  if (!unnamed.length) return [];
  await run([program, 'manifest', 'rm', ...unnamed]);
  const after = await store();
  if (!after) return [];
  const left = new Set(after.images.map((i) => i.id));
  return unnamed.filter((id) => !left.has(id));
}

/**
 * Removes the lists that no name points to any more, of every job in `jobs` (each job's replaced list ids), and
 * then their platform images and those images' build steps, where nothing else keeps them: no name now or before,
 * no other list, no container, nothing built on them (engines/unusedImages.ts). Only after the new lists hold the
 * tags, and each image before its parent, `--no-prune`: podman's own pruning of parents knows nothing of lists
 * and would take another list's unnamed instance (a pulled base's) along. `store` reads the store's files
 * (`undefined`: not readable from here, a remote podman: each list is asked about and removed on its own, and the
 * images stay). `perJob` counts, per job, the removed images only its own lists used.
 */
export async function removeReplacedLists(
  jobs: string[][],
  { program, run, store }: { program: string; run: EngineQuery; store: () => Promise<StoreContents | undefined> },
): Promise<{ lists: string[]; images: string[]; perJob: number[]; error?: string }> {
  const ids = [...new Set(jobs.flat())];
  const none = { lists: [], images: [], perJob: jobs.map(() => 0) };
  if (!ids.length) return none;
  const before = await store();
  if (!before) return { ...none, lists: await removeUnnamedLists(program, ids, run) };
  const lists = await removeUnnamedListsTogether(ids, before, { program, run, store });
  const images = lists.length ? replacedListImages(before, lists) : [];
  if (!images.length) return { ...none, lists };
  const r = await run([program, 'rmi', '--no-prune', '--ignore', ...images]);
  const left = r.ok ? new Set<string>() : new Set((await store())?.images.map((i) => i.id) ?? images);
  const removed = images.filter((id) => !left.has(id));
  const gone = new Set(removed);
  const perJob = jobs.map(
    (own) =>
      replacedListImages(
        before,
        lists.filter((id) => own.includes(id)),
      ).filter((id) => gone.has(id)).length,
  );
  return {
    lists,
    images: removed,
    perJob,
    ...(r.ok ? {} : { error: (r.stderr || r.stdout).trim().split('\n')[0] }),
  };
}

/**
 * removeReplacedLists for the jobs of one lane once its builds have ended, one removal per machine and podman
 * program, each job's part said in its output.
 */
export async function removeReplaced(
  exec: JobExec,
  replaced: Array<{ job: Job; o: RunOptions; ids: string[] }>,
): Promise<void> {
  const groups = new Map<string, typeof replaced>();
  for (const r of replaced) {
    const key = `${r.job.node ?? ''}\0${exec.program(r.job, 'podman')}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const group of groups.values()) {
    const { job } = group[0]!;
    const { perJob, error } = await removeReplacedLists(
      group.map((g) => g.ids),
      { program: exec.program(job, 'podman'), run: exec.query(job), store: exec.podmanStore(job) },
    );
    for (const [k, { job: own, o }] of group.entries()) {
      if (perJob[k])
        o.onOutput?.(own, `removed ${perJob[k]} unnamed image(s) that only the replaced manifest list used\n`);
      if (error) o.onOutput?.(own, `kept some images of the replaced manifest lists: ${error}\n`);
    }
  }
}

function safeImages(text: string) {
  try {
    return parseImageList(text).map((i) => ({ ...i, id: i.id.replace(/^sha256:/, '') }));
  } catch {
    return [];
  }
}
