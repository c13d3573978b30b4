import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keptParts, mergeIndex, pinnedImages, putUpIndex } from '../../../src/core/build/keepPlatforms';
import type { Job } from '../../../src/core/jobs';
import { RegistryClient } from '../../../src/core/registry';
import { insecureOnly, OCI_MANIFEST, TestRegistry } from '../helpers/testRegistry';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

describe('keepPlatforms: a one-platform buildx push keeps the variant’s other platforms', () => {
  let reg: TestRegistry;
  let client: RegistryClient;
  beforeEach(async () => {
    reg = await new TestRegistry('anonymous-token').start();
    client = new RegistryClient(insecureOnly());
  });
  afterEach(() => reg.stop());

  /** What a two-platform buildx push leaves: an index of both images and an attestation manifest. */
  const builtAll = () => {
    const amd = reg.addImage('amd64');
    const arm = reg.addImage('arm64');
    const att = reg.addManifest({ schemaVersion: 2, mediaType: OCI_MANIFEST, layers: [] }, OCI_MANIFEST);
    const index = reg.addManifest(
      {
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          { mediaType: OCI_MANIFEST, ...amd, platform: { os: 'linux', architecture: 'amd64' } },
          { mediaType: OCI_MANIFEST, ...arm, platform: { os: 'linux', architecture: 'arm64' } },
          { mediaType: OCI_MANIFEST, ...att, platform: { os: 'unknown', architecture: 'unknown' } },
        ],
      },
      OCI_INDEX,
    );
    reg.manifests.set('1.0', reg.manifests.get(index.digest)!);
    return { amd, arm, index };
  };

  it('reads the other platform’s image from the tag’s index; none when the tag is new', async () => {
    const { amd } = builtAll();
    assert.deepEqual(await keptParts(client, `${reg.host}/acme/app:1.0`, ['linux/amd64']), [
      { platform: 'linux/amd64', digest: amd.digest },
    ]);
    assert.deepEqual(await keptParts(client, `${reg.host}/acme/app:2.0`, ['linux/amd64']), []);
  });

  it('a tag naming one image counts for its config’s platform', async () => {
    const amd = reg.addImage('amd64');
    reg.manifests.set('solo', reg.manifests.get(amd.digest)!);
    assert.deepEqual(await keptParts(client, `${reg.host}/acme/app:solo`, ['linux/amd64']), [
      { platform: 'linux/amd64', digest: amd.digest },
    ]);
    assert.deepEqual(await keptParts(client, `${reg.host}/acme/app:solo`, ['linux/arm64']), []);
  });

  it('after the arm64 push the tag lists the kept amd64 image and the new arm64 one', async () => {
    const { amd } = builtAll();
    const kept = await keptParts(client, `${reg.host}/acme/app:1.0`, ['linux/amd64']);
    // The one-platform push: buildx puts a one-entry index (plus attestation) under the tag.
    const newArm = reg.addImage('arm64', OCI_MANIFEST, 'v8');
    const pushed = reg.addManifest(
      {
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [{ mediaType: OCI_MANIFEST, ...newArm, platform: { os: 'linux', architecture: 'arm64' } }],
      },
      OCI_INDEX,
    );
    reg.manifests.set('1.0', reg.manifests.get(pushed.digest)!);
    await mergeIndex(client, [`${reg.host}/acme/app:1.0`], {
      kept,
      pushed: [{ platform: 'linux/arm64', digest: pushed.digest }],
    });
    const now = JSON.parse(reg.manifests.get('1.0')!.bytes.toString('utf8')) as {
      manifests: Array<{ digest: string; platform: { architecture: string } }>;
    };
    assert.deepEqual(
      now.manifests.map((m) => [m.platform.architecture, m.digest]),
      [
        ['amd64', amd.digest],
        ['arm64', newArm.digest],
      ],
    );
  });

  it('pins each cell’s record to what the metadata file says was pushed under its tag', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keep-'));
    try {
      const digest = `sha256:${'b'.repeat(64)}`;
      const metadataFile = join(dir, 'kafka.json');
      await writeFile(metadataFile, JSON.stringify({ 'containerimage.digest': digest, 'image.name': 'r/app:1-kafka' }));
      const job = {
        id: 'kafka',
        engine: 'buildx',
        variant: 'kafka',
        platforms: ['linux/arm64'],
        output: 'push',
        tags: ['r/app:1-kafka'],
        argv: [],
        cwd: dir,
        metadataFile,
      } as Job;
      assert.deepEqual(await pinnedImages(job), { 'kafka@linux/arm64': `r/app:1-kafka@${digest}` });
      assert.deepEqual(await pinnedImages({ ...job, metadataFile: join(dir, 'missing.json') }), {});
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a Build All split per platform: each cell pinned to its part’s push, then one index under the tag', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keep-'));
    try {
      const tag = `${reg.host}/acme/app:1-redis`;
      const amd = reg.addImage('amd64');
      const arm = reg.addImage('arm64');
      // What a part pushed by digest: buildx's one-entry index with the image's provenance beside it.
      const armIndex = reg.addManifest(
        {
          schemaVersion: 2,
          mediaType: OCI_INDEX,
          manifests: [{ mediaType: OCI_MANIFEST, ...arm, platform: { os: 'linux', architecture: 'arm64' } }],
        },
        OCI_INDEX,
      );
      const parts = await Promise.all(
        [
          ['linux/amd64', amd.digest],
          ['linux/arm64', armIndex.digest],
        ].map(async ([platform, digest]) => {
          const metadataFile = join(dir, `${platform!.replace('/', '-')}.json`);
          await writeFile(metadataFile, JSON.stringify({ 'containerimage.digest': digest, 'image.name': tag }));
          return { platform: platform!, argv: [], metadataFile };
        }),
      );
      const job = {
        id: 'redis',
        engine: 'buildx',
        variant: 'redis',
        platforms: ['linux/amd64', 'linux/arm64'],
        output: 'push',
        tags: [tag],
        argv: [],
        cwd: dir,
        parts,
      } as Job;
      const images = await pinnedImages(job);
      assert.deepEqual(images, {
        'redis@linux/amd64': `${tag}@${amd.digest}`,
        'redis@linux/arm64': `${tag}@${armIndex.digest}`,
      });
      const registry = async () => client;
      // A part whose metadata names no digest: nothing goes up, the tag stays where it was.
      const missing = await putUpIndex(registry, job, { 'redis@linux/amd64': images['redis@linux/amd64']! });
      assert.match(missing!, /the linux\/arm64 image of redis was pushed, but buildx's metadata file names no digest/);
      assert.equal(reg.puts.length, 0);
      assert.equal(await putUpIndex(registry, job, images), undefined);
      const now = JSON.parse(reg.manifests.get('1-redis')!.bytes.toString('utf8')) as {
        manifests: Array<{ digest: string; platform: { architecture: string } }>;
      };
      assert.deepEqual(
        now.manifests.map((m) => [m.platform.architecture, m.digest]),
        [
          ['amd64', amd.digest],
          ['arm64', arm.digest],
        ],
      );
      const refused = await putUpIndex(registry, { ...job, tags: [`${reg.host}/acme/app@${amd.digest}`] }, images);
      assert.match(refused!, /could not put their index under .*: .*; check that the registry answers/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
