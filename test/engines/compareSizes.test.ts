// Real podman, dockerd and registry: `sizes --compare` explains a per-architecture difference from each
// source a build can leave (OCI archive, registry, podman and docker local stores), streaming the layers.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run as sizesCli } from '../../src/cli/commands/sizes';
import type { CliIO } from '../../src/cli/io';
import { BuildRunner } from '../../src/core/build/runner';
import type { ResolvedConfig } from '../../src/core/config/types';
import { programsFromEnv } from '../../src/core/engines/detect';
import { buildPlan } from '../../src/core/matrix/plan';
import { ResultsStore } from '../../src/core/results/store';
import type { BuildRecord } from '../../src/core/results/types';
import { compareArchitectures } from '../../src/core/explain/explainCollect';
import type { ArchComparison } from '../../src/core/explain/explainSizes';
import {
  docker,
  env,
  fixtureWorkspace,
  registry,
  removeBuiltImages,
  removeRunRepository,
  runTag,
  tool,
} from './helpers';

const EXTRA = 1024 * 1024;
const platforms = ['linux/amd64', 'linux/arm64'];

/** The fixture with one more step: /opt gets a README on both arches and a 1 MiB file on arm64 only. */
async function workspace(): Promise<ResolvedConfig> {
  const config = await fixtureWorkspace((y) => y.replace(/variants:[\s\S]*$/, 'variants:\n  minimal:\n'));
  for (const arch of ['amd64', 'arm64']) {
    await mkdir(join(config.root, `opt-${arch}`));
    await writeFile(join(config.root, `opt-${arch}`, 'README'), `tools for ${arch}\n`);
  }
  // random bytes: the difference must show unpacked, whatever the layer compression makes of it
  await writeFile(join(config.root, 'opt-arm64', 'extra.bin'), randomBytes(EXTRA));
  const dockerfile = join(config.root, 'Dockerfile');
  const text = await readFile(dockerfile, 'utf8');
  await writeFile(dockerfile, text.replace('CMD [', 'COPY opt-${TARGETARCH}/ /opt/\nCMD ['));
  return config;
}

async function build(
  config: ResolvedConfig,
  engine: 'podman' | 'docker',
  output: 'oci' | 'load',
): Promise<BuildRecord[]> {
  const plan = buildPlan(config, { engine, output, variants: ['minimal'], canLoadManifestList: engine === 'podman' });
  const summary = await new BuildRunner({ programs: programsFromEnv(env), env, concurrency: 1 }).run(plan, { config });
  assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
  return summary.records;
}

function assertOptExplains(c: ArchComparison | undefined, source: string): void {
  assert.ok(c, `a comparison from ${source}`);
  assert.deepEqual(c.errors, undefined, `${source}: ${JSON.stringify(c.errors)}`);
  assert.deepEqual([...c.platforms].sort(), platforms);
  const top = c.dirs[0]!;
  assert.equal(top.path, '/opt', `${source}: largest difference first, got ${JSON.stringify(c.dirs.slice(0, 3))}`);
  const diff = top.sizes['linux/arm64']! - top.sizes['linux/amd64']!;
  assert.ok(Math.abs(diff - EXTRA) <= EXTRA * 0.01, `${source}: /opt differs by ${diff}, expected ${EXTRA} ± 1%`);
  assert.equal(c.dirs[1]!.path, '/opt/extra.bin');
  // the COPY that brought it is the layer that differs most, named by its instruction for both arches
  assert.match(c.layers[0]!.createdBy, /COPY .*opt/);
  assert.ok(Math.abs(c.layers[0]!.sizes['linux/arm64']! - c.layers[0]!.sizes['linux/amd64']! - EXTRA) <= EXTRA * 0.01);
}

describe('sizes --compare on real images (an arm64-only 1 MiB file under /opt)', function () {
  this.timeout(600_000);
  let config: ResolvedConfig;
  let ociRecords: BuildRecord[];
  const built = { podman: [] as string[], docker: [] as string[] };
  const remotes: string[] = [];

  before(async () => {
    config = await workspace();
    ociRecords = await build(config, 'podman', 'oci');
    built.podman.push(...ociRecords.flatMap((r) => (r.image ? [r.image] : [])));
    await ResultsStore.forRoot(config.root).append(ociRecords);
  });

  after(async () => {
    await removeBuiltImages('podman', 'podman', built.podman);
    await removeBuiltImages('docker', docker, built.docker);
    for (const ref of remotes) await removeRunRepository(ref);
    if (config) await rm(config.root, { recursive: true, force: true });
  });

  it('from the OCI archive: `multiarch sizes --compare --json` puts /opt first with the 1 MiB difference', async () => {
    let out = '';
    let err = '';
    const io: CliIO = { cwd: config.root, env, out: (t) => (out += t), err: (t) => (err += t) };
    assert.equal(await sizesCli(['--compare', '--json', '--variant', 'minimal'], io), 0, err);
    const [c] = JSON.parse(out) as ArchComparison[];
    assertOptExplains(c, 'OCI archive');
    assert.equal(c!.variant, 'minimal');
    const text: string[] = [];
    assert.equal(await sizesCli(['--compare'], { ...io, out: (t) => text.push(t) }), 0);
    assert.match(text.join(''), /^ {2}\/opt {2,}16 B {2,}1\.05 MB {2,}\+1\.05 MB$/m);
  });

  it('from the registry (layers streamed over HTTP)', async () => {
    const local = `multiarch-compare-${runTag}:oci`;
    const remote = `${registry}/multiarch-compare-${runTag}:minimal`;
    await tool(['podman', 'manifest', 'create', local]);
    built.podman.push(local);
    remotes.push(remote);
    await tool(['podman', 'manifest', 'add', '--all', local, `oci-archive:${ociRecords[0]!.ociPath}`], 120_000);
    await tool(['podman', 'manifest', 'push', '--all', '--tls-verify=false', local, `docker://${remote}`], 120_000);
    const pushed = ociRecords.map((r) => ({ ...r, output: 'push' as const, image: remote, ociPath: undefined }));
    assertOptExplains((await compareArchitectures(pushed, { root: config.root, env }))[0], 'registry');
  });

  it("from podman's local store (a manifest list, each platform saved by its instance digest)", async () => {
    const records = await build(config, 'podman', 'load');
    built.podman.push(records[0]!.image!);
    assertOptExplains((await compareArchitectures(records, { root: config.root, env }))[0], 'podman store');
  });

  it("from dockerd's local store (one tag per platform, docker save)", async () => {
    const records = await build(config, 'docker', 'load');
    built.docker.push(...records.map((r) => r.image!));
    assert.equal(new Set(records.map((r) => r.image)).size, 2, 'one tag per platform');
    assertOptExplains((await compareArchitectures(records, { root: config.root, env }))[0], 'docker store');
  });
});
