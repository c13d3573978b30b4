// Real podman + registry + skopeo: the sizes we compute from the OCI archive are the sizes the
// registry holds, and verification runs both architectures (arm64 under QEMU).
import { strict as assert } from 'node:assert';
import { rm } from 'node:fs/promises';
import { BuildRunner } from '../../src/core/build/runner';
import { programsFromEnv } from '../../src/core/engines/detect';
import { buildPlan } from '../../src/core/matrix/plan';
import type { ResolvedConfig } from '../../src/core/config/types';
import type { BuildRecord } from '../../src/core/results/types';
import { ResultsStore } from '../../src/core/results/store';
import { collectSizes } from '../../src/core/sizes/collectSizes';
import { measureSizes } from '../../src/core/sizes/measureSizes';
import { rawManifestArgv, readRegistrySizes } from '../../src/core/sizes/registrySizes';
import { runTool as runSizesTool, toolOutput } from '../../src/core/engines/exec';
import { verifyBuilds } from '../../src/core/verify/runVerify';
import {
  docker,
  env,
  fixtureWorkspace,
  registry,
  removeBuiltImages,
  removeRunRepository,
  runTag,
  tool,
  unameFor,
} from './helpers';

const platforms = ['linux/amd64', 'linux/arm64'];

interface RawIndex {
  manifests: Array<{ digest: string; platform?: { architecture: string; os: string } }>;
}
interface RawManifest {
  config: { size: number };
  layers: Array<{ size: number }>;
}

/** What skopeo itself says: the index, then each platform manifest by digest, summed here. */
async function skopeoSums(ref: string): Promise<Record<string, { digest: string; sum: number }>> {
  const repo = ref.slice(0, ref.lastIndexOf(':'));
  const index = JSON.parse(
    (await tool(['skopeo', 'inspect', '--raw', '--tls-verify=false', `docker://${ref}`])).stdout,
  ) as RawIndex;
  const out: Record<string, { digest: string; sum: number }> = {};
  for (const m of index.manifests) {
    if (!m.platform || m.platform.os === 'unknown') continue;
    const manifest = JSON.parse(
      (await tool(['skopeo', 'inspect', '--raw', '--tls-verify=false', `docker://${repo}@${m.digest}`])).stdout,
    ) as RawManifest;
    out[`${m.platform.os}/${m.platform.architecture}`] = {
      digest: m.digest,
      sum: manifest.config.size + manifest.layers.reduce((s, l) => s + l.size, 0),
    };
  }
  return out;
}

describe('sizes and verification of a real podman build (linux/amd64 + linux/arm64)', function () {
  this.timeout(300_000);
  let config: ResolvedConfig;
  let records: BuildRecord[];
  let local: string;
  const remote = `${registry}/multiarch-sizes-${runTag}:minimal`;

  before(async () => {
    config = await fixtureWorkspace();
    const plan = buildPlan(config, {
      engine: 'podman',
      output: 'oci',
      variants: ['minimal'],
      canLoadManifestList: true,
    });
    const runner = new BuildRunner({ programs: programsFromEnv(env), env, concurrency: 1 });
    const summary = await runner.run(plan, { config });
    assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
    records = summary.records;
    assert.deepEqual(records.map((r) => r.platform).sort(), platforms);
    assert.ok(
      records.every((r) => r.ociPath),
      'the OCI build records its archive',
    );
    await ResultsStore.forRoot(config.root).append(records, assert.fail);
    local = plan.jobs[0]!.tags[0]!;
    await tool(['podman', 'manifest', 'push', '--all', '--tls-verify=false', local, `docker://${remote}`], 120_000);
  });

  after(async () => {
    if (local) await removeBuiltImages('podman', 'podman', [local]);
    await removeRunRepository(remote);
    if (config) await rm(config.root, { recursive: true, force: true });
  });

  it('compressed size per platform from the OCI archive equals the sum skopeo reports for the pushed image', async () => {
    const rows = await measureSizes({ root: config.root, env, warn: assert.fail });
    const fromSkopeo = await skopeoSums(remote);
    assert.deepEqual(Object.keys(fromSkopeo).sort(), platforms);
    for (const platform of platforms) {
      const row = rows.find((r) => r.platform === platform);
      assert.ok(row, `a row for ${platform}`);
      assert.equal(row.error, undefined);
      assert.equal(row.source, 'oci-archive');
      assert.equal(row.compressed, fromSkopeo[platform]!.sum, `${platform} compressed`);
      assert.equal(row.digest, fromSkopeo[platform]!.digest, `${platform} digest`);
      assert.ok((row.layers ?? 0) >= 1);
      // The unpacked image in podman's store, found through the manifest list for the non-native arch.
      assert.ok(
        (row.uncompressed ?? 0) > (row.compressed ?? 0),
        `${platform} disk size ${row.uncompressed} > compressed ${row.compressed}`,
      );
    }
  });

  it('reads the same sizes straight from the registry (skopeo raw manifests through our walker)', async () => {
    const images = await readRegistrySizes(remote, (ref) =>
      toolOutput(runSizesTool, rawManifestArgv('skopeo', ref, { insecure: true }), { env }),
    );
    assert.deepEqual(
      Object.fromEntries(images.map((i) => [i.platform, { digest: i.digest, sum: i.compressed }])),
      await skopeoSums(remote),
    );
  });

  it('a pushed cell (output "push") is sized from the registry', async () => {
    const pushed = records.map((r) => ({ ...r, output: 'push' as const, image: remote, ociPath: undefined }));
    const rows = await collectSizes(pushed, { root: config.root, env });
    const sums = await skopeoSums(remote);
    assert.deepEqual(
      rows.map((r) => [r.platform, r.source, r.compressed, r.error]),
      platforms.map((p) => [p, 'registry', sums[p]!.sum, undefined]),
    );
  });

  it('verify runs each platform and gets x86_64 and aarch64', async () => {
    const results = await verifyBuilds(records, { env, programs: programsFromEnv(env), timeoutMs: 120_000 });
    assert.deepEqual(
      results.map((r) => [r.platform, r.status, r.actual]),
      platforms.map((p) => [p, 'pass', unameFor[p]]),
      JSON.stringify(results, null, 2),
    );
    assert.equal(results.find((r) => r.platform === 'linux/arm64')?.emulated, true);
  });
});

describe('sizes and verification of real dockerd per-arch builds pushed to a registry', function () {
  this.timeout(300_000);
  let config: ResolvedConfig;
  let records: BuildRecord[];

  before(async () => {
    config = await fixtureWorkspace((y) => `${y}registry: ${registry}\n`);
    const plan = buildPlan(config, { engine: 'docker', variants: ['redis'], output: 'push' });
    const summary = await new BuildRunner({ programs: programsFromEnv(env), env, concurrency: 2 }).run(plan, {
      config,
    });
    assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
    records = summary.records;
  });

  after(async () => {
    await removeBuiltImages('docker', docker, records?.map((r) => r.image).filter((i): i is string => !!i) ?? []);
    if (config) await rm(config.root, { recursive: true, force: true });
  });

  it('sizes each single-platform tag from the registry (platform from its config) and its disk size from docker', async () => {
    const rows = await collectSizes(records, { root: config.root, env });
    for (const r of records) {
      const manifest = JSON.parse(
        (await tool(['skopeo', 'inspect', '--raw', '--tls-verify=false', `docker://${r.image}`])).stdout,
      ) as RawManifest;
      const inspected = JSON.parse(
        (await tool([env.MULTIARCH_DOCKER ?? 'docker', 'image', 'inspect', r.image!])).stdout,
      ) as Array<{ Size: number }>;
      const row = rows.find((x) => x.platform === r.platform);
      assert.ok(row && !row.error, JSON.stringify(row));
      assert.equal(row.source, 'registry');
      assert.equal(
        row.compressed,
        manifest.config.size + manifest.layers.reduce((s, l) => s + l.size, 0),
        `${r.platform} compressed`,
      );
      assert.equal(row.uncompressed, inspected[0]!.Size, `${r.platform} disk size`);
      assert.ok(row.created, 'created comes from the config skopeo returned');
    }
  });

  it('verify runs each per-arch image with docker and gets x86_64 and aarch64', async () => {
    const results = await verifyBuilds(records, { env, programs: programsFromEnv(env), timeoutMs: 120_000 });
    assert.deepEqual(
      results.map((r) => [r.platform, r.status, r.actual]),
      platforms.map((p) => [p, 'pass', unameFor[p]]),
      JSON.stringify(results, null, 2),
    );
  });
});
