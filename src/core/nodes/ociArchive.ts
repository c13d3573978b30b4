// OCI image archives (a tar of an OCI layout: oci-layout, index.json, blobs/<alg>/<hex>) made whole from
// per-platform parts: each node exports its platform's image, and the parts become one archive whose
// index.json names one image index listing every platform, the shape buildx `type=oci` and
// `podman manifest push --all … oci-archive:` write, which skopeo, podman and BuildKit read as one image.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extract, pack } from 'tar-stream';
import { configPlatform, formatPlatform, OCI_INDEX, type IndexEntry } from '../registry';
import { partialPath } from '../engines/staging';
import { messageOf } from '../errors';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const LIST_TYPES = new Set([OCI_INDEX, 'application/vnd.docker.distribution.manifest.list.v2+json']);
const LAYOUT = JSON.stringify({ imageLayoutVersion: '1.0.0' });

export interface ArchivePart {
  platform: string;
  archive: string;
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

interface ImageManifest {
  config: Descriptor;
  layers: Descriptor[];
}

/**
 * Merges per-platform image archives into one OCI archive at `out` whose index.json names one image
 * index with an entry per platform. A part may be an OCI archive (`podman save --format oci-archive`,
 * buildx) or a Docker archive (`docker save` of dockerd < 25, converted here: its config and layer tars
 * become the blobs as they are). Each part's platform is checked against its image config. Written to
 * `<out>.partial` and renamed, so `out` is the previous archive or the new one, never half of one.
 */
export async function mergeOciArchives(
  parts: ArchivePart[],
  out: string,
  opts: { refName?: string } = {},
): Promise<void> {
  if (parts.length === 0) throw new Error(`${out}: no platform archives to merge`);
  const platforms = new Set<string>();
  for (const p of parts) {
    if (platforms.has(p.platform))
      throw new Error(`${out}: two archives for ${p.platform}; an index lists one image per platform`);
    platforms.add(p.platform);
  }
  await mkdir(dirname(out), { recursive: true });
  await writeThroughPartial(out, '.merge-', async (work) => {
    const blobs = new Map<string, string>();
    const entries: IndexEntry[] = [];
    for (const [i, part] of parts.entries()) {
      const dir = join(work, `part-${i}`);
      await unpack(part.archive, dir);
      const { entry, manifest } = await platformImage(dir, part);
      entries.push(entry);
      for (const d of [entry.digest, manifest.config.digest, ...manifest.layers.map((l) => l.digest)]) {
        if (!blobs.has(d)) blobs.set(d, join(dir, blobPath(d)));
      }
    }
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries }));
    const indexFile = join(work, 'index-blob');
    await writeFile(indexFile, index);
    blobs.set(sha256(index), indexFile);
    const top = {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        {
          mediaType: OCI_INDEX,
          digest: sha256(index),
          size: index.length,
          ...(opts.refName ? { annotations: { 'org.opencontainers.image.ref.name': opts.refName } } : {}),
        },
      ],
    };
    return { top, blobs };
  });
}

/**
 * Rewrites a Docker archive (`docker save` of dockerd < 25: manifest.json, <id>.json, <layer>/layer.tar)
 * as an OCI archive of the same image at `out` (through `<out>.partial`): config and layer files become
 * blobs as they are. dockerd ≥ 25 writes both layouts; its manifest.json is read the same way.
 */
export async function dockerArchiveToOci(archive: string, out: string): Promise<void> {
  await writeThroughPartial(out, '.oci-', async (work) => {
    await unpack(archive, work);
    const blobs = new Map<string, string>();
    const { manifest } = await toOciLayout(work, archive);
    for (const d of [manifest.digest, manifest.config.digest, ...manifest.layers.map((l) => l.digest)])
      blobs.set(d, join(work, blobPath(d)));
    const top = {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.size }],
    };
    return { top, blobs };
  });
}

/**
 * Writes the OCI archive `lay` lays out in a scratch folder beside `out` (its top index.json and the files of its
 * blobs by digest) to `<out>.partial`, then renames it to `out`; the scratch folder and a partial file are
 * removed whatever happens.
 */
async function writeThroughPartial(
  out: string,
  scratchPrefix: string,
  lay: (work: string) => Promise<{ top: object; blobs: Map<string, string> }>,
): Promise<void> {
  const work = await mkdtemp(join(dirname(out), scratchPrefix));
  const partial = partialPath(out);
  try {
    const { top, blobs } = await lay(work);
    await writeArchive(
      partial,
      { 'oci-layout': Buffer.from(LAYOUT), 'index.json': Buffer.from(JSON.stringify(top)) },
      blobs,
    );
    await rename(partial, out);
  } finally {
    await rm(partial, { force: true });
    await rm(work, { recursive: true, force: true });
  }
}

/** The one image in an unpacked part for its platform: index.json → (nested index) → manifests, checked against each config. */
async function platformImage(dir: string, part: ArchivePart): Promise<{ entry: IndexEntry; manifest: ImageManifest }> {
  if (!(await exists(join(dir, 'index.json')))) await toOciLayout(dir, part.archive);
  const found: Array<{ entry: IndexEntry; manifest: ImageManifest }> = [];
  const seen: string[] = [];
  const visit = async (descriptors: Descriptor[], depth: number): Promise<void> => {
    for (const d of descriptors) {
      if (d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') continue;
      const doc = JSON.parse(await readFile(join(dir, blobPath(d.digest)), 'utf8')) as {
        manifests?: Descriptor[];
      } & Partial<ImageManifest>;
      if (LIST_TYPES.has(d.mediaType) || Array.isArray(doc.manifests)) {
        if (depth > 4) throw new Error(`${part.archive}: indexes nested too deep`);
        await visit(doc.manifests ?? [], depth + 1);
        continue;
      }
      if (!doc.config?.digest || !Array.isArray(doc.layers))
        throw new Error(`${part.archive}: ${d.digest} is neither an index nor an image manifest`);
      const config = JSON.parse(await readFile(join(dir, blobPath(doc.config.digest)), 'utf8')) as unknown;
      seen.push(formatPlatform(config as Descriptor['platform'] & object) || '?');
      const platform = configPlatform(config, part.platform);
      if (platform)
        found.push({
          entry: { mediaType: d.mediaType, digest: d.digest, size: d.size, platform },
          manifest: { config: doc.config, layers: doc.layers },
        });
    }
  };
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests?: Descriptor[] };
  await visit(index.manifests ?? [], 0);
  if (found.length !== 1) {
    throw new Error(
      `${part.archive} holds ${found.length ? `${found.length} images` : 'no image'} for ${part.platform} (it has ${seen.join(', ') || 'none'}): export that platform's image alone`,
    );
  }
  return found[0]!;
}

/** Adds the OCI layout of an unpacked Docker archive beside it (its first image), blobs hashed from the files. */
async function toOciLayout(dir: string, what: string): Promise<{ manifest: Descriptor & ImageManifest }> {
  let images: Array<{ Config?: string; Layers?: string[] }>;
  try {
    images = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as typeof images;
  } catch {
    throw new Error(`${what} is neither an OCI archive (index.json) nor a Docker archive (manifest.json)`);
  }
  const image = images[0];
  if (!image?.Config || !Array.isArray(image.Layers)) throw new Error(`${what}: manifest.json names no image`);
  const config = await addBlob(dir, join(dir, safeName(image.Config)), 'application/vnd.oci.image.config.v1+json');
  const layers: Descriptor[] = [];
  for (const layer of image.Layers) {
    const file = join(dir, safeName(layer));
    layers.push(
      await addBlob(
        dir,
        file,
        (await isGzip(file)) ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.oci.image.layer.v1.tar',
      ),
    );
  }
  const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers }));
  const manifest = { mediaType: OCI_MANIFEST, digest: sha256(body), size: body.length, config, layers };
  await mkdir(dirname(join(dir, blobPath(manifest.digest))), { recursive: true });
  await writeFile(join(dir, blobPath(manifest.digest)), body);
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ mediaType: OCI_MANIFEST, digest: manifest.digest, size: body.length }],
    }),
  );
  return { manifest };
}

async function addBlob(dir: string, file: string, mediaType: string): Promise<Descriptor> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  const digest = `sha256:${hash.digest('hex')}`;
  const dest = join(dir, blobPath(digest));
  await mkdir(dirname(dest), { recursive: true });
  if (!(await exists(dest))) await copyFile(file, dest);
  return { mediaType, digest, size: (await stat(file)).size };
}

/**
 * Extracts an archive's files into `dir`. Member names are confined to `dir`; symbolic and hard links
 * between members (docker save links a layer another image already holds) become copies of their target.
 */
async function unpack(archive: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tar = extract();
  const feeding = pipeline(createReadStream(archive), tar);
  const links: Array<[string, string]> = [];
  try {
    for await (const member of tar) {
      const { name, type, linkname } = member.header;
      if (type === 'file' || type === 'contiguous-file') {
        const dest = join(dir, safeName(name));
        await mkdir(dirname(dest), { recursive: true });
        await pipeline(member, createWriteStream(dest));
        continue;
      }
      if ((type === 'symlink' || type === 'link') && linkname) {
        const target = type === 'symlink' ? posix.join(posix.dirname(posix.normalize(name)), linkname) : linkname;
        links.push([safeName(name), safeName(target)]);
      }
      member.resume();
    }
    await feeding;
  } catch (err) {
    await feeding.catch(() => undefined);
    throw new Error(`${archive} is not a readable image archive: ${messageOf(err)}`);
  }
  for (const [name, target] of links) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await copyFile(join(dir, target), join(dir, name));
  }
}

/** A member name as a relative path inside the archive, refusing absolute names and `..` escapes. */
function safeName(name: string): string {
  const n = posix.normalize(name.replace(/^(\.\/)+/, ''));
  if (n.startsWith('/') || n === '..' || n.startsWith('../'))
    throw new Error(`archive member "${name}" points outside the archive`);
  return n;
}

function blobPath(digest: string): string {
  const m = /^([a-z0-9]+):([a-f0-9]{32,})$/.exec(digest);
  if (!m) throw new Error(`invalid digest "${digest}"`);
  return posix.join('blobs', m[1]!, m[2]!);
}

async function writeArchive(file: string, docs: Record<string, Buffer>, blobs: Map<string, string>): Promise<void> {
  const tar = pack();
  const writing = pipeline(tar, createWriteStream(file));
  try {
    for (const [name, body] of Object.entries(docs))
      await entry(tar, { name, size: body.length }, async (w) => w.end(body));
    for (const [digest, path] of [...blobs].sort(([a], [b]) => a.localeCompare(b))) {
      const size = (await stat(path)).size;
      await entry(tar, { name: blobPath(digest), size }, (w) => pipeline(createReadStream(path), w));
    }
    tar.finalize();
  } catch (err) {
    tar.destroy(err as Error);
  }
  await writing;
}

/** One file of the archive, `size` bytes that `fill` writes. */
function entry(
  tar: ReturnType<typeof pack>,
  { name, size }: { name: string; size: number },
  fill: (w: NodeJS.WritableStream) => Promise<unknown>,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const w = tar.entry({ name, size, mode: 0o644 }, (err) => (err ? reject(err) : resolve()));
    fill(w).catch(reject);
  });
}

async function isGzip(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
