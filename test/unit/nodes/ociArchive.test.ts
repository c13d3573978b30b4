import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extract, pack } from 'tar-stream';
import { mergeOciArchives } from '../../../src/core/nodes/ociArchive';
import { readOciImages } from '../../../src/core/layers/imageSources';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function tarFile(
  file: string,
  members: Array<{ name: string; body?: Buffer; linkname?: string }>,
): Promise<void> {
  const p = pack();
  const done = pipeline(p, createWriteStream(file));
  for (const m of members) {
    if (m.linkname) p.entry({ name: m.name, type: 'symlink', linkname: m.linkname });
    else p.entry({ name: m.name, size: m.body!.length }, m.body!);
  }
  p.finalize();
  await done;
}

/** A one-file layer (uncompressed tar) holding `/etc/arch` with `text`. */
async function layerTar(dir: string, text: string): Promise<Buffer> {
  const file = join(dir, `layer-${text}.tar`);
  await tarFile(file, [{ name: 'etc/arch', body: Buffer.from(text) }]);
  return readFile(file);
}

function imageConfig(architecture: string, layer: Buffer): Buffer {
  return Buffer.from(
    JSON.stringify({
      architecture,
      os: 'linux',
      config: { Cmd: ['cat', '/etc/arch'] },
      rootfs: { type: 'layers', diff_ids: [sha(layer)] },
    }),
  );
}

/** An OCI archive as `podman save --format oci-archive` lays it out: index.json → one manifest. */
async function ociArchive(dir: string, architecture: string): Promise<{ file: string; manifest: string }> {
  const layer = await layerTar(dir, architecture);
  const config = imageConfig(architecture, layer);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha(layer), size: layer.length }],
    }),
  );
  const index = {
    schemaVersion: 2,
    manifests: [
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(manifest), size: manifest.length },
    ],
  };
  const file = join(dir, `${architecture}-oci.tar`);
  const blob = (b: Buffer) => ({ name: `blobs/sha256/${sha(b).slice(7)}`, body: b });
  await tarFile(file, [
    { name: 'oci-layout', body: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
    { name: 'index.json', body: Buffer.from(JSON.stringify(index)) },
    blob(config),
    blob(layer),
    blob(manifest),
  ]);
  return { file, manifest: sha(manifest) };
}

/** A Docker archive as dockerd 20.10's `docker save` lays it out, its layer reached through a symlink. */
async function dockerArchive(dir: string, architecture: string): Promise<string> {
  const layer = await layerTar(dir, architecture);
  const config = imageConfig(architecture, layer);
  const id = sha(config).slice(7);
  const file = join(dir, `${architecture}-docker.tar`);
  await tarFile(file, [
    { name: `${id}.json`, body: config },
    { name: 'aaaa/layer.tar', body: layer },
    { name: 'bbbb/layer.tar', linkname: '../aaaa/layer.tar' },
    {
      name: 'manifest.json',
      body: Buffer.from(JSON.stringify([{ Config: `${id}.json`, RepoTags: ['app:1'], Layers: ['bbbb/layer.tar'] }])),
    },
  ]);
  return file;
}

async function members(file: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const x = extract();
  const feeding = pipeline(createReadStream(file), x);
  for await (const m of x) {
    const chunks: Buffer[] = [];
    for await (const c of m) chunks.push(c as Buffer);
    out.set(m.header.name, Buffer.concat(chunks));
  }
  await feeding;
  return out;
}

describe('mergeOciArchives', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oci-merge-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('merges an OCI and a Docker archive into one archive whose index lists both platforms', async () => {
    const amd = await ociArchive(dir, 'amd64');
    const arm = await dockerArchive(dir, 'arm64');
    const out = join(dir, 'out', 'app.tar');
    await mergeOciArchives(
      [
        { platform: 'linux/amd64', archive: amd.file },
        { platform: 'linux/arm64', archive: arm },
      ],
      out,
      { refName: '1.0' },
    );
    const files = await members(out);
    const top = JSON.parse(files.get('index.json')!.toString()) as {
      manifests: Array<{ mediaType: string; digest: string; annotations: Record<string, string> }>;
    };
    assert.equal(top.manifests.length, 1);
    assert.equal(top.manifests[0]!.mediaType, 'application/vnd.oci.image.index.v1+json');
    assert.deepEqual(top.manifests[0]!.annotations, { 'org.opencontainers.image.ref.name': '1.0' });
    const index = JSON.parse(files.get(`blobs/sha256/${top.manifests[0]!.digest.slice(7)}`)!.toString()) as {
      manifests: Array<{ digest: string; platform: unknown }>;
    };
    assert.deepEqual(
      index.manifests.map((m) => m.platform),
      [
        { architecture: 'amd64', os: 'linux' },
        { architecture: 'arm64', os: 'linux' },
      ],
    );
    assert.equal(index.manifests[0]!.digest, amd.manifest, 'an OCI part keeps its manifest digest');
    // Every blob is stored under its own digest.
    for (const [name, body] of files)
      if (name.startsWith('blobs/')) assert.equal(sha(body).slice(7), name.split('/')[2]);
    // The project's own image reader walks it: two platforms, each with its layer's file.
    const images = await readOciImages(out, { headBytes: 16 });
    assert.deepEqual(
      images.map((i) => [i.platform, i.layers[0]!.entries.map((e) => `${e.path}=${e.head?.toString()}`)]),
      [
        ['linux/amd64', ['/etc/arch=amd64']],
        ['linux/arm64', ['/etc/arch=arm64']],
      ],
    );
    assert.deepEqual((await readdir(join(dir, 'out'))).sort(), ['app.tar'], 'no .partial or work folder left');
  });

  it('refuses a part of another platform and keeps the previous archive', async () => {
    const amd = await ociArchive(dir, 'amd64');
    const out = join(dir, 'app.tar');
    await writeFile(out, 'previous');
    await assert.rejects(
      mergeOciArchives([{ platform: 'linux/arm64', archive: amd.file }], out),
      /holds no image for linux\/arm64 \(it has linux\/amd64\)/,
    );
    assert.equal(await readFile(out, 'utf8'), 'previous');
    assert.deepEqual(
      (await readdir(dir)).filter((f) => f.startsWith('.') || f.endsWith('.partial')),
      [],
    );
  });

  it('refuses two parts for one platform, an archive that is not an image, and a member outside the archive', async () => {
    const amd = await ociArchive(dir, 'amd64');
    const out = join(dir, 'app.tar');
    await assert.rejects(
      mergeOciArchives(
        [
          { platform: 'linux/amd64', archive: amd.file },
          { platform: 'linux/amd64', archive: amd.file },
        ],
        out,
      ),
      /two archives for linux\/amd64/,
    );
    const junk = join(dir, 'junk.tar');
    await tarFile(junk, [{ name: 'README', body: Buffer.from('hi') }]);
    await assert.rejects(
      mergeOciArchives([{ platform: 'linux/amd64', archive: junk }], out),
      /neither an OCI archive \(index.json\) nor a Docker archive/,
    );
    const evil = join(dir, 'evil.tar');
    await tarFile(evil, [{ name: '../escape', body: Buffer.from('x') }]);
    await assert.rejects(
      mergeOciArchives([{ platform: 'linux/amd64', archive: evil }], out),
      /points outside the archive/,
    );
  });
});
