import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePodmanInfo } from '../engines/podmanOutput';
import { parseBuildahArgs, parseContainerList } from '../engines/podmanStore';
import { buildMarkerArg, buildOwnerArg } from '../engines/staging';
import { ownerAlive, processOwner } from '../state/lockFile';
import type { Staging } from '../jobs';
import type { EngineQuery } from './engineQuery';

/** Where this machine's podman keeps its store (`podman info`), asked once per run (JobExec.podmanStoreRoot). */
export type StoreRoot = () => Promise<{ graphRoot: string; graphDriver: string } | undefined>;

/** How the clean-up reaches a store: its queries, and its location when it is this machine's. */
export interface StoreAccess {
  run: EngineQuery;
  /** Absent (a build node's store): asked with `podman info` through `run`. */
  root?: StoreRoot;
}

/**
 * Undoes what a failed or cancelled job staged: its temporary image names, its partial files, and (podman)
 * the buildah working containers the killed build left in the store. The user's own images and tags were
 * never touched, so nothing else needs restoring. Every step is best effort: a clean-up failure must not
 * hide the build's own result. `program` is the podman binary (for the marker); `resolve` maps a plan argv
 * to the one executed. Returns the ids of the working containers removed.
 */
export async function discardStaging(
  staging: Staging,
  {
    program,
    run,
    resolve,
    root,
  }: { program: string; run: EngineQuery; resolve: (argv: string[]) => string[]; root?: StoreRoot },
): Promise<string[]> {
  for (const argv of staging.discard) await run(resolve(argv));
  for (const partial of Object.keys(staging.files ?? {})) await rm(partial, { recursive: true, force: true });
  if (!staging.marker) return [];
  const ids = await markedWorkingContainers(program, staging.marker, { run, ...(root ? { root } : {}) });
  if (ids.length) await run([program, 'rm', '--force', ...ids]);
  return [...ids, ...(await removeHalfCommittedImages(program, run))];
}

/** The image id each tag names now (undefined: none), before a build that may move them. */
export async function taggedImages(
  program: string,
  tags: string[],
  run: EngineQuery,
): Promise<Map<string, string | undefined>> {
  const ids = new Map<string, string | undefined>();
  for (const tag of tags) {
    const r = await run([program, 'image', 'inspect', '--format', '{{.Id}}', tag]);
    ids.set(tag, r.ok ? r.stdout.trim() || undefined : undefined);
  }
  return ids;
}

/**
 * Puts each tag back on the image it named before the build (or removes a tag that was new), so a push
 * that failed after the tag moved leaves the user's tags where they were; the new image keeps its temporary
 * name, which the discard step then removes.
 */
export async function restoreTags(
  program: string,
  previous: Map<string, string | undefined>,
  run: EngineQuery,
): Promise<void> {
  for (const [tag, id] of previous) {
    if (id) await run([program, 'tag', id, tag]);
    else await run([program, 'rmi', '--no-prune', tag]);
  }
}

/**
 * A podman service keeps running a build after its client is killed (podman 4.x; containers/podman#10295),
 * and a remote store's buildah state cannot be read from here, so the build marker cannot find its working
 * containers. After a cancel, the working containers created on that node since the job started are removed
 * instead: the step running at that moment finishes there, nothing after it runs, and nothing is committed.
 * Only a cancel calls this, when every job of the run is being stopped.
 */
export async function removeRemoteWorkingContainers(
  program: string,
  run: EngineQuery,
  sinceMs: number,
): Promise<string[]> {
  try {
    const ps = await run([program, 'ps', '--external', '--all', '--no-trunc', '--format', 'json']);
    if (!ps.ok) return [];
    const since = Math.floor(sinceMs / 1000) - 1;
    const ids = parseContainerList(ps.stdout)
      .filter((c) => c.state === 'storage' && c.created !== undefined && c.created >= since)
      .map((c) => c.id);
    if (ids.length) await run([program, 'rm', '--force', ...ids]);
    return ids;
  } catch {
    return [];
  }
}

/**
 * podman's words for an image record whose manifest is not written: a commit killed half-way, or one in flight
 * (for that moment `podman images` fails for the whole store).
 */
export const halfCommitted = /locating item named "manifest" for image with ID "([0-9a-f]{64})"/;

/**
 * A build killed while podman commits an image leaves an image record without its manifest; from then on
 * `podman images` fails for the whole store ("locating item named "manifest" for image with ID …"). Such an
 * image has no content anyone can use, so it is removed. Another build may be committing at this very
 * moment (its image also lacks the manifest for a split second), so an image is removed only if it is
 * still incomplete a moment later.
 */
export async function removeHalfCommittedImages(program: string, run: EngineQuery, settleMs = 2000): Promise<string[]> {
  const removed: string[] = [];
  for (let i = 0; i < 5; i++) {
    const first = halfCommitted.exec((await run([program, 'images', '--quiet'])).stderr)?.[1];
    if (!first) break;
    await new Promise((r) => setTimeout(r, settleMs));
    const again = halfCommitted.exec((await run([program, 'images', '--quiet'])).stderr)?.[1];
    if (again !== first) continue;
    if (!(await run([program, 'rmi', '--force', first])).ok) break;
    removed.push(first);
  }
  return removed;
}

/**
 * Working containers are storage-only containers (`podman ps --external`) without labels of their own;
 * buildah keeps its state, build args included, in `<graphroot>/<driver>-containers/<id>/userdata/
 * buildah.json`. Our marker and owner args there say which build made each one. A remote podman (no local
 * graph root) has none to read.
 */
interface MarkedContainer {
  id: string;
  marker: string;
  owner?: string;
}

async function markedContainers(program: string, { run, root }: StoreAccess): Promise<MarkedContainer[]> {
  try {
    const ps = await run([program, 'ps', '--external', '--all', '--no-trunc', '--format', 'json']);
    const external = ps.ok ? parseContainerList(ps.stdout).filter((c) => c.state === 'storage') : [];
    if (!external.length) return [];
    // `podman info` is slow (bench/README.md, "podman info once per run"): this machine's store is asked once.
    const where = root ? await root() : await storeRootOf(program, run);
    if (!where) return [];
    const { graphRoot, graphDriver } = where;
    const dir = join(graphRoot, `${graphDriver}-containers`);
    const found: MarkedContainer[] = [];
    for (const c of external) {
      try {
        const args = parseBuildahArgs(await readFile(join(dir, c.id, 'userdata', 'buildah.json'), 'utf8'));
        const marker = args[buildMarkerArg];
        const owner = args[buildOwnerArg];
        if (marker) found.push({ id: c.id, marker, ...(owner ? { owner } : {}) });
      } catch {
        // not a buildah container, or it went away meanwhile
      }
    }
    return found;
  } catch {
    return []; // unexpected output: leave the store alone rather than guess
  }
}

/** This job's working containers (matching its marker exactly), never those of another build in the same store. */
export async function markedWorkingContainers(program: string, marker: string, store: StoreAccess): Promise<string[]> {
  return (await markedContainers(program, store)).filter((c) => c.marker === marker).map((c) => c.id);
}

/** The store location `podman info` gives through `run`; undefined when it does not answer as expected. */
export async function storeRootOf(
  program: string,
  run: EngineQuery,
): Promise<{ graphRoot: string; graphDriver: string } | undefined> {
  const info = await run([program, 'info', '--format', 'json']);
  if (!info.ok) return undefined;
  try {
    return parsePodmanInfo(info.stdout);
  } catch {
    return undefined;
  }
}

/**
 * What a build may remove before it starts: its own job's containers that a killed earlier build left (it holds
 * the job's cell locks, so no other build of the job runs; one whose owner is another live process is kept all
 * the same), and any job's containers whose owner process is gone (kill -9, a closed terminal). A container
 * whose owner runs belongs to a live build and stays; one without an owner (made before owners were recorded)
 * is only ever removed by its own job.
 */
export async function orphanedWorkingContainers(
  program: string,
  marker: string | undefined,
  store: StoreAccess,
): Promise<{ own: string[]; others: string[] }> {
  return orphansOf(await markedContainers(program, store), marker);
}

function orphansOf(containers: MarkedContainer[], marker: string | undefined): { own: string[]; others: string[] } {
  const me = processOwner();
  const own: string[] = [];
  const others: string[] = [];
  for (const c of containers) {
    const gone = c.owner !== undefined && c.owner !== me && !ownerAlive(c.owner);
    if (c.marker === marker) {
      if (c.owner === undefined || c.owner === me || gone) own.push(c.id);
    } else if (gone) others.push(c.id);
  }
  return { own, others };
}

/**
 * orphanedWorkingContainers for the jobs of one lane, from one listing of the store taken when the first job asks:
 * every podman call takes the store's lock, so three jobs listing it at once took about as long as one after the
 * other, before each build (bench/README.md, "dockerd: an unchanged cell is not built again; one listing of
 * working containers per lane"). What a killed build left was there before the lane started, so a later job finds
 * it in that listing too. Each container is given to one job only.
 */
export class LaneOrphans {
  private listing?: Promise<MarkedContainer[]>;
  private readonly given = new Set<string>();

  constructor(
    private readonly program: string,
    private readonly store: StoreAccess,
  ) {}

  async take(marker: string): Promise<{ own: string[]; others: string[] }> {
    this.listing ??= markedContainers(this.program, this.store);
    const { own, others } = orphansOf(await this.listing, marker);
    const fresh = (ids: string[]) => ids.filter((id) => !this.given.has(id) && !!this.given.add(id));
    return { own: fresh(own), others: fresh(others) };
  }
}
