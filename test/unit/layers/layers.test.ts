import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { flattenLayers } from '../../../src/core/layers/flatten';
import { readImageArchive } from '../../../src/core/layers/imageArchive';
import { imagePath, readLayer, sniffCompression, type LayerEntry } from '../../../src/core/layers/layerEntries';
import { tarOf } from './tarFixture';

const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);

/** The tar test/fixtures/layers/layer.tar.zst was compressed from (see its README). */
function sampleLayer(): Promise<Buffer> {
  return tarOf([
    { name: 'usr/', type: 'directory' },
    { name: 'usr/bin/', type: 'directory' },
    { name: 'usr/bin/tool', content: Buffer.concat([ELF, Buffer.alloc(3000, 7)]) },
    { name: 'usr/bin/run', type: 'symlink', linkname: 'tool' },
    { name: 'usr/bin/.wh.old', content: '' },
  ]);
}

const expected: LayerEntry[] = [
  { path: '/usr', type: 'dir', size: 0 },
  { path: '/usr/bin', type: 'dir', size: 0 },
  { path: '/usr/bin/tool', type: 'file', size: 3007, head: ELF.subarray(0, 4) },
  { path: '/usr/bin/run', type: 'symlink', size: 0, linkname: 'tool' },
  { path: '/usr/bin/old', type: 'other', size: 0, whiteout: 'file' },
];

const chunked = (buf: Buffer, size = 100): Readable =>
  Readable.from(Array.from({ length: Math.ceil(buf.length / size) }, (_, i) => buf.subarray(i * size, (i + 1) * size)));

describe('layer reader', () => {
  it('lists a plain, a gzip and a zstd layer the same way, with the first bytes of files when asked', async () => {
    const tar = await sampleLayer();
    const zst = readFileSync(join(__dirname, '../../fixtures/layers/layer.tar.zst'));
    assert.deepEqual(
      [tar, gzipSync(tar), zst].map((b) => sniffCompression(b)),
      ['none', 'gzip', 'zstd'],
    );
    for (const blob of [tar, gzipSync(tar), zst]) {
      assert.deepEqual(await readLayer(chunked(blob), { headBytes: 4 }), expected);
    }
    assert.equal((await readLayer(chunked(tar)))[2]!.head, undefined);
  });

  it('marks opaque directories and normalises member names', async () => {
    const tar = await tarOf([
      { name: './etc/', type: 'directory' },
      { name: './etc/.wh..wh..opq', content: '' },
      { name: '/etc/conf', content: 'x=1\n' },
      { name: 'etc/hard', type: 'link', linkname: 'etc/conf' },
    ]);
    assert.deepEqual(await readLayer(Readable.from([tar])), [
      { path: '/etc', type: 'dir', size: 0 },
      { path: '/etc', type: 'dir', size: 0, whiteout: 'opaque' },
      { path: '/etc/conf', type: 'file', size: 4 },
      { path: '/etc/hard', type: 'hardlink', size: 0, linkname: 'etc/conf' },
    ]);
    assert.deepEqual(['./', '', '/a/b/', 'a//'].map(imagePath), ['/', '/', '/a/b', '/a']);
  });

  it('fails on a truncated layer instead of listing half of it', async () => {
    const gz = gzipSync(await sampleLayer());
    await assert.rejects(readLayer(Readable.from([gz.subarray(0, gz.length - 30)])));
  });

  it('applies layers bottom-up: whiteouts and opaque directories remove what lower layers added', () => {
    const file = (path: string, size: number): LayerEntry => ({ path, type: 'file', size });
    const fs = flattenLayers([
      [
        { path: '/opt', type: 'dir', size: 0 },
        file('/opt/a', 10),
        file('/opt/sub/b', 20),
        file('/etc/x', 1),
        file('/etc/y', 2),
        file('/keep', 5),
      ],
      [
        { path: '/opt/sub', type: 'other', size: 0, whiteout: 'file' },
        { path: '/etc', type: 'dir', size: 0, whiteout: 'opaque' },
        file('/etc/z', 3),
      ],
      [file('/opt/a', 11)],
    ]);
    assert.deepEqual(
      [...fs]
        .filter(([, e]) => e.type === 'file')
        .map(([p, e]) => [p, e.size, e.layer])
        .sort(),
      [
        ['/etc/z', 3, 1],
        ['/keep', 5, 0],
        ['/opt/a', 11, 2],
      ],
    );
  });

  it('reads an OCI archive streamed once: index, manifest, config history and each layer', async () => {
    const { createHash } = await import('node:crypto');
    const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
    const layer = gzipSync(await sampleLayer());
    const config = Buffer.from(
      JSON.stringify({
        architecture: 'arm64',
        os: 'linux',
        history: [{ created_by: 'ARG X', empty_layer: true }, { created_by: 'COPY tool /usr/bin/' }],
      }),
    );
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(layer), size: layer.length }],
      }),
    );
    const index = JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: sha(manifest),
          size: manifest.length,
          platform: { os: 'linux', architecture: 'arm64' },
        },
      ],
    });
    const blob = (b: Buffer) => ({ name: `blobs/sha256/${sha(b).slice(7)}`, content: b });
    // layer first: the reader must not depend on member order
    const archive = await tarOf([
      blob(layer),
      { name: 'oci-layout', content: '{"imageLayoutVersion":"1.0.0"}' },
      blob(config),
      blob(manifest),
      { name: 'index.json', content: index },
    ]);
    const [image, ...rest] = await readImageArchive(chunked(archive, 4096), 'test.tar');
    assert.equal(rest.length, 0);
    assert.equal(image!.platform, 'linux/arm64');
    assert.equal(image!.digest, sha(manifest));
    assert.deepEqual(
      image!.layers.map((l) => [l.id, l.createdBy, l.entries.length]),
      [[sha(layer), 'COPY tool /usr/bin/', 5]],
    );
    await assert.rejects(
      readImageArchive(chunked(await tarOf([blob(config), { name: 'index.json', content: index }])), 'broken.tar'),
      /blob sha256:\w+ is missing from broken\.tar/,
    );
  });
});
