// A buildx push of some of a variant's platforms (Build This Platform) puts an index of just those under
// the variant's tag, so the other platforms' images would drop out of it. Before such a build the tag's
// entries for the other platforms are read; after it the tag gets an index of both: those entries and what
// the build pushed. Every cell's record names what its build pushed by digest (buildx's metadata file),
// so sizes and the static check read the cell's own build even after the tag moved. A Build All split per
// platform (schedule/buildxParts.ts) pushes each platform by digest, and its index goes up here once all have.
import { readFile } from 'node:fs/promises';
import { builtDigest, pushedDigests } from '../engines/buildxMetadata';
import { removePartFiles } from './jobFiles';
import { messageOf } from '../errors';
import { cellId, jobCells, type Job } from '../jobs';
import { parseReference, withDigest } from '../reference';
import {
  assembleIndex,
  configPlatform,
  formatPlatform,
  LIST_TYPES,
  RegistryError,
  samePlatform,
  type IndexPart,
  type RegistryClient,
} from '../registry';

/** The registry, asked for lazily: only a job that keeps platforms needs it. */
export type LazyRegistry = () => Promise<RegistryClient>;

/**
 * Each cell's image as `name:tag@digest`, from the job's metadata file (a split job's: each part's, under the
 * job's first tag); cells buildx named no digest for are left out.
 */
export async function pinnedImages(job: Job): Promise<Record<string, string>> {
  if (job.parts) {
    const out: Record<string, string> = {};
    for (const part of job.parts) {
      const text = part.metadataFile ? await readFile(part.metadataFile, 'utf8').catch(() => '') : '';
      const digest = builtDigest(text);
      if (digest && job.tags[0])
        out[cellId({ variant: job.variant, platform: part.platform })] = `${job.tags[0]}@${digest}`;
    }
    return out;
  }
  if (!job.metadataFile) return {};
  const text = await readFile(job.metadataFile, 'utf8').catch(() => '');
  const digests = pushedDigests(text);
  const out: Record<string, string> = {};
  for (const cell of jobCells(job)) {
    const id = cellId(cell);
    const tag = job.cellImages?.[id] ?? job.platformTags?.[cell.platform] ?? job.tags[0];
    const digest = tag ? digests[tag] : undefined;
    if (tag && digest) out[id] = `${tag}@${digest}`;
  }
  return out;
}

/**
 * The images `tag` lists now for `platforms` (attestations and other platforms left out); none when the
 * tag does not exist yet. A tag naming one image counts for the platform its config says.
 */
export async function keptParts(client: RegistryClient, tag: string, platforms: string[]): Promise<IndexPart[]> {
  const ref = parseReference(tag);
  let manifest;
  try {
    manifest = await client.getManifest(ref);
  } catch (err) {
    if (err instanceof RegistryError && err.status === 404) return [];
    throw err;
  }
  const doc = JSON.parse(manifest.bytes.toString('utf8')) as {
    manifests?: Array<{ digest?: string; platform?: { os?: string; architecture?: string; variant?: string } }>;
    config?: { digest?: string };
  };
  if (LIST_TYPES.has(manifest.mediaType)) {
    const parts: IndexPart[] = [];
    for (const p of platforms) {
      const m = (doc.manifests ?? []).find(
        (e) => e.digest && e.platform && samePlatform(formatPlatform(e.platform), p),
      );
      if (m) parts.push({ platform: p, digest: m.digest! });
    }
    return parts;
  }
  if (!doc.config?.digest) return [];
  const config = await client.blobJson(withDigest(ref, manifest.digest), doc.config.digest);
  const p = platforms.find((want) => configPlatform(config, want));
  return p ? [{ platform: p, digest: manifest.digest }] : [];
}

/**
 * Puts an index under each of `tags` listing `kept` and the platforms the build pushed (`pushed`, what
 * its metadata file names per tag), so a one-platform build leaves the other platforms in the variant's
 * index.
 */
export async function mergeIndex(
  client: RegistryClient,
  tags: string[],
  { kept, pushed }: { kept: IndexPart[]; pushed: IndexPart[] },
): Promise<void> {
  const own = new Set(pushed.map((p) => p.platform));
  const parts = [...kept.filter((k) => !own.has(k.platform)), ...pushed];
  for (const tag of tags) await assembleIndex(client, tag, parts);
}

/** After a push of some of a variant's platforms: the variant's index lists the kept platforms again. */
export async function keepOthers(
  client: RegistryClient,
  job: Job,
  { kept, images }: { kept: IndexPart[]; images: Record<string, string> },
): Promise<void> {
  const pushed: IndexPart[] = [];
  for (const c of jobCells(job)) {
    const digest = images[cellId(c)]?.split('@')[1];
    pushed.push(...(digest ? [{ platform: c.platform, digest }] : await keptParts(client, job.tags[0]!, [c.platform])));
  }
  await mergeIndex(client, job.tags, { kept, pushed });
}

/**
 * Before a job that keeps platforms builds: the entries its tag has for them, or what the user is told when they
 * cannot be read (the job then fails before it builds).
 */
export async function readKept(registry: LazyRegistry, job: Job): Promise<IndexPart[] | { failed: string }> {
  if (!job.keepPlatforms?.length) return [];
  try {
    return await keptParts(await registry(), job.tags[0]!, job.keepPlatforms);
  } catch (err) {
    return {
      failed: `could not read ${job.tags[0]} to keep its ${job.keepPlatforms.join(', ')} image in the index: ${messageOf(err)}; check that the registry answers, or build all the variant's platforms`,
    };
  }
}

/** After its push: the kept entries go back into the tag's index; what the user is told when they cannot. */
export async function putBackKept(
  registry: LazyRegistry,
  job: Job,
  { kept, images }: { kept: IndexPart[]; images: Record<string, string> },
): Promise<string | undefined> {
  if (!kept.length) return undefined;
  try {
    await keepOthers(await registry(), job, { kept, images });
    return undefined;
  } catch (err) {
    return `pushed ${job.platforms.join(', ')}, but could not put ${kept.map((k) => k.platform).join(', ')} back into ${job.tags.join(', ')}: ${messageOf(err)}; build all the variant's platforms to push a complete index`;
  }
}

/**
 * After every part of a split buildx job pushed its image by digest: one index listing them goes up under the
 * job's tags, the only step that moves them. What the user is told when it cannot (the tags then stay where
 * they were).
 */
export async function putUpIndex(
  registry: LazyRegistry,
  job: Job,
  images: Record<string, string>,
): Promise<string | undefined> {
  const pushed: IndexPart[] = [];
  for (const c of jobCells(job)) {
    const digest = images[cellId(c)]?.split('@')[1];
    if (!digest)
      return `the ${c.platform} image of ${job.variant} was pushed, but buildx's metadata file names no digest for it; build the variant again`;
    pushed.push({ platform: c.platform, digest });
  }
  try {
    await mergeIndex(await registry(), job.tags, { kept: [], pushed });
    return undefined;
  } catch (err) {
    return `pushed ${job.platforms.join(', ')} by digest, but could not put their index under ${job.tags.join(', ')}: ${messageOf(err)}; check that the registry answers, then build the variant again`;
  }
}

/**
 * A buildx push's end, once its build succeeded: each cell pinned to what it pushed (pinnedImages), a split job's
 * index put up from its parts (putUpIndex, their metadata files then gone), the kept platforms put back
 * (putBackKept). `failed` says what to tell the user when a step could not be done.
 */
export async function finishPush(
  registry: LazyRegistry,
  job: Job,
  kept: IndexPart[],
): Promise<{ images?: Record<string, string>; failed?: string }> {
  if (job.engine !== 'buildx' || job.output !== 'push') return {};
  const images = await pinnedImages(job);
  if (job.parts) {
    await removePartFiles(job.parts);
    const failed = await putUpIndex(registry, job, images);
    if (failed) return { images, failed };
  }
  const failed = await putBackKept(registry, job, { kept, images });
  return failed ? { images, failed } : { images };
}
