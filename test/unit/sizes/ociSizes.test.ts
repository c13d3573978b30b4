import { strict as assert } from 'node:assert';
import { readFileSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { readOciSizes } from '../../../src/core/sizes/ociSizes';
import { layerCompression } from '../../../src/core/sizes/mediaTypes';
import { attestation, GZIP, LayoutBuilder, TAR, ZSTD } from './ociFixture';

describe('OCI sizes', () => {
  const made: string[] = [];
  const builder = (): LayoutBuilder => {
    const b = new LayoutBuilder();
    made.push(b.dir, `${b.dir}.tar`);
    return b;
  };
  after(() => made.forEach((p) => rmSync(p, { recursive: true, force: true })));

  /** podman's shape: index.json → one nested index (with a ref name) → one manifest per platform. */
  function podmanShaped(b: LayoutBuilder) {
    const amd = b.image('amd64', [
      [1200, GZIP],
      [300, GZIP],
    ]);
    const arm = b.image(
      'arm64',
      [
        [1100, ZSTD],
        [50, TAR],
      ],
      { variant: 'v8' },
    );
    const nested = b.index([amd, arm, attestation(b, amd), attestation(b, arm)]);
    b.writeTop([{ ...nested, annotations: { 'org.opencontainers.image.ref.name': 'latest' } }]);
    return { amd, arm };
  }

  it('sums layer and config sizes per platform through a nested index, skipping attestations', async () => {
    const b = builder();
    const { amd, arm } = podmanShaped(b);
    const { source, images } = await readOciSizes(b.dir);
    assert.equal(source, 'oci-layout');
    assert.deepEqual(
      images.map((i) => [i.platform, i.compressed, i.layers, i.digest]),
      [
        ['linux/amd64', amd.expected, 2, amd.digest],
        ['linux/arm64/v8', arm.expected, 2, arm.digest],
      ],
    );
    const amdConfig = JSON.parse(readFileSync(join(b.dir, 'blobs', 'sha256', amd.digest.slice(7)), 'utf8')) as {
      config: { size: number };
    };
    assert.equal(images[0]!.compressed, 1200 + 300 + amdConfig.config.size);
    assert.equal(images[0]!.created, '2026-11-27T05:00:00Z');
    assert.deepEqual(images[1]!.layerMediaTypes, [ZSTD, TAR]);
  });

  it('reads the same sizes from an OCI archive (GNU and PAX tar) without the layer blobs', async () => {
    const b = builder();
    const { amd, arm } = podmanShaped(b);
    for (const format of ['gnu', 'pax'] as const) {
      const { source, images } = await readOciSizes(b.archive(format));
      assert.equal(source, 'oci-archive');
      assert.deepEqual(
        images.map((i) => i.compressed),
        [amd.expected, arm.expected],
      );
    }
  });

  it('takes the platform from the config when a top-level manifest has none', async () => {
    const b = builder();
    const single = b.image('riscv64', [[10, GZIP]]);
    b.writeTop([{ mediaType: single.mediaType, digest: single.digest, size: single.size }]);
    const { images } = await readOciSizes(b.dir);
    assert.deepEqual(
      images.map((i) => [i.platform, i.compressed]),
      [['linux/riscv64', single.expected]],
    );
  });

  it('names the missing digest when a manifest blob is absent', async () => {
    const b = builder();
    const { arm } = podmanShaped(b);
    unlinkSync(join(b.dir, 'blobs', 'sha256', arm.digest.slice('sha256:'.length)));
    await assert.rejects(readOciSizes(b.dir), (err: Error) => {
      assert.match(
        err.message,
        new RegExp(`blob ${arm.digest} is missing from ${b.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
      );
      return true;
    });
    await assert.rejects(readOciSizes(b.archive()), new RegExp(`blob ${arm.digest} is missing`));
  });

  it('names the missing config digest too', async () => {
    const b = builder();
    const img = b.image('amd64', [[5, GZIP]], { writeConfig: false });
    b.writeTop([b.index([img])]);
    await assert.rejects(readOciSizes(b.dir), /blob sha256:[0-9a-f]{64} is missing/);
  });

  it('explains a path that is not an OCI export', async () => {
    const b = builder();
    await assert.rejects(readOciSizes(b.dir), /not an OCI image layout \(no index\.json\)/);
    await assert.rejects(readOciSizes(join(b.dir, 'nope.tar')), /does not exist: build with output "oci" first/);
  });

  it('rejects a manifest that is not an image manifest with the document named', async () => {
    const b = builder();
    const bad = b.json({ schemaVersion: 2, layers: 'nope' }, 'application/vnd.oci.image.manifest.v1+json');
    b.writeTop([b.index([{ ...bad, platform: { os: 'linux', architecture: 'amd64' } }])]);
    await assert.rejects(readOciSizes(b.dir), new RegExp(`${bad.digest} is not a valid document`));
  });

  it('classifies gzip, zstd and uncompressed layer media types (OCI and Docker)', () => {
    assert.equal(layerCompression(GZIP), 'gzip');
    assert.equal(layerCompression(ZSTD), 'zstd');
    assert.equal(layerCompression(TAR), 'none');
    assert.equal(layerCompression('application/vnd.docker.image.rootfs.diff.tar.gzip'), 'gzip');
    assert.equal(layerCompression('application/vnd.oci.image.layer.nondistributable.v1.tar+zstd'), 'zstd');
    assert.equal(layerCompression('application/octet-stream'), 'unknown');
  });
});
