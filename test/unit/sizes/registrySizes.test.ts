import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rawConfigArgv, rawManifestArgv, readRegistrySizes, withDigest } from '../../../src/core/sizes/registrySizes';

const sha = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/** A registry as the raw-manifest tools see it: reference (tag or @digest) → exact bytes. */
function registry(docs: Record<string, unknown>): { fetch: (ref: string) => Promise<string>; asked: string[] } {
  const asked: string[] = [];
  const byRef = new Map<string, string>();
  for (const [ref, doc] of Object.entries(docs)) byRef.set(ref, JSON.stringify(doc));
  return {
    asked,
    fetch: async (ref) => {
      asked.push(ref);
      const text = byRef.get(ref);
      if (text === undefined) throw new Error(`manifest unknown: ${ref}`);
      return text;
    },
  };
}

const V2 = 'application/vnd.docker.distribution.manifest.v2+json';
const LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const REPO = '127.0.0.1:5000/queue/minimal';

function manifest(layerSizes: number[], configSize: number) {
  return {
    schemaVersion: 2,
    mediaType: V2,
    config: {
      mediaType: 'application/vnd.docker.container.image.v1+json',
      digest: sha(`c${configSize}`),
      size: configSize,
    },
    layers: layerSizes.map((size, i) => ({
      mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
      digest: sha(`l${i}${size}`),
      size,
    })),
  };
}

describe('registry manifests', () => {
  it('pins a reference to a digest in the same repository, keeping a registry port', () => {
    const d = sha('x');
    assert.equal(withDigest('127.0.0.1:5000/queue/minimal:latest', d), `127.0.0.1:5000/queue/minimal@${d}`);
    assert.equal(withDigest('127.0.0.1:5000/queue/minimal', d), `127.0.0.1:5000/queue/minimal@${d}`);
    assert.equal(withDigest(`ghcr.io/a/b@${sha('y')}`, d), `ghcr.io/a/b@${d}`);
    assert.equal(withDigest('localhost:5000/x:1', d), `localhost:5000/x@${d}`);
  });

  it('builds each tool’s raw-inspection argv', () => {
    assert.deepEqual(rawManifestArgv('skopeo', 'r:1', { insecure: true }), [
      'skopeo',
      'inspect',
      '--raw',
      '--tls-verify=false',
      'docker://r:1',
    ]);
    assert.deepEqual(rawManifestArgv('skopeo', 'r:1'), ['skopeo', 'inspect', '--raw', 'docker://r:1']);
    assert.deepEqual(rawManifestArgv('buildx', 'r:1'), ['docker', 'buildx', 'imagetools', 'inspect', '--raw', 'r:1']);
    assert.deepEqual(rawConfigArgv('r@sha256:1', true), [
      'skopeo',
      'inspect',
      '--config',
      '--raw',
      '--tls-verify=false',
      'docker://r@sha256:1',
    ]);
  });

  it('follows a manifest list to each platform manifest by digest and sums layers + config', async () => {
    const amd = manifest([1000, 24], 600);
    const arm = manifest([900], 610);
    const amdText = JSON.stringify(amd);
    const armText = JSON.stringify(arm);
    const list = {
      schemaVersion: 2,
      mediaType: LIST,
      manifests: [
        { mediaType: V2, digest: sha(amdText), size: amdText.length, platform: { architecture: 'amd64', os: 'linux' } },
        {
          mediaType: V2,
          digest: sha(armText),
          size: armText.length,
          platform: { architecture: 'arm64', os: 'linux', variant: 'v8' },
        },
        { mediaType: V2, digest: sha('att'), size: 10, platform: { architecture: 'unknown', os: 'unknown' } },
      ],
    };
    const reg = registry({
      [`${REPO}:latest`]: list,
      [`${REPO}@${sha(amdText)}`]: amd,
      [`${REPO}@${sha(armText)}`]: arm,
    });
    const images = await readRegistrySizes(`${REPO}:latest`, reg.fetch);
    assert.deepEqual(
      images.map((i) => [i.platform, i.compressed, i.layers, i.digest]),
      [
        ['linux/amd64', 1624, 2, sha(amdText)],
        ['linux/arm64/v8', 1510, 1, sha(armText)],
      ],
    );
    assert.equal(reg.asked.length, 3, 'the attestation manifest is never fetched');
  });

  it('sizes a single-platform tag, taking its platform and created time from the config', async () => {
    const m = manifest([42], 7);
    const digest = sha(JSON.stringify(m));
    const reg = registry({ [`${REPO}:amd64`]: m });
    const configs = registry({
      [`${REPO}@${digest}`]: { architecture: 'amd64', os: 'linux', created: '2026-01-02T03:04:05Z' },
    });
    const [img] = await readRegistrySizes(`${REPO}:amd64`, reg.fetch, { fetchConfig: configs.fetch });
    assert.deepEqual(img, {
      platform: 'linux/amd64',
      digest,
      compressed: 49,
      layers: 1,
      layerMediaTypes: [m.layers[0]!.mediaType],
      created: '2026-01-02T03:04:05Z',
    });
  });

  it('passes the tool’s error through, naming the reference', async () => {
    const reg = registry({});
    await assert.rejects(
      readRegistrySizes(`${REPO}:missing`, reg.fetch),
      /manifest unknown: 127\.0\.0\.1:5000\/queue\/minimal:missing/,
    );
  });
});

describe('registry manifests recorded from skopeo (test/fixtures/sizes/skopeo)', () => {
  const dir = join(__dirname, '..', '..', 'fixtures', 'sizes', 'skopeo');
  const fetch = async (ref: string): Promise<string> => {
    const digest = /@(sha256:[0-9a-f]{64})$/.exec(ref)?.[1];
    return readFileSync(join(dir, digest ? `${digest.replace(':', '-')}.json` : 'index.json'), 'utf8');
  };

  it('sums each platform of a real podman-pushed OCI index', async () => {
    const images = await readRegistrySizes('127.0.0.1:5000/sizes-probe:one', fetch);
    assert.deepEqual(
      images.map((i) => [i.platform, i.compressed, i.layers]),
      [
        ['linux/amd64', 1_089_265, 2],
        ['linux/arm64', 1_041_718, 2],
      ],
    );
    assert.ok(images.every((i) => i.layerMediaTypes.every((t) => t === 'application/vnd.oci.image.layer.v1.tar+gzip')));
  });
});
