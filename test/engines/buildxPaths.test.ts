// A real docker buildx and BuildKit (see buildxEnv.ts): cancel, a failing build, what the Builders view
// shows, and a builder of two BuildKit nodes, one platform each. Skipped, with the reason, without buildx.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildRunner } from '../../src/core/build/runner';
import { nodeForPlatform, parseBuildxInspect, type BuildxBuilder } from '../../src/core/engines/buildxOutput';
import { programsFromEnv } from '../../src/core/engines/detect';
import { runTool } from '../../src/core/engines/exec';
import { activeBuilder, platformSupport } from '../../src/core/engines/platformSupport';
import { buildPlan } from '../../src/core/matrix/plan';
import type { BuildRecord } from '../../src/core/results/types';
import {
  baseImage,
  cancelDuringLongRun,
  docker,
  eventually,
  fixtureWorkspace,
  processesWithArgv,
  projectWorkspace,
  registry,
  removeRunRepository,
  runTag,
} from './helpers';
import { multiarch, requireBuildx, type Buildx } from './buildxEnv';

describe('docker buildx (real buildx + BuildKit): cancel, failure, Builders view data', function () {
  this.timeout(300_000);
  let bx: Buildx;
  before(async function () {
    bx = await requireBuildx(this);
  });
  const runner = () => new BuildRunner({ programs: programsFromEnv(bx.env), env: bx.env, concurrency: 2 });

  it('cancelling a build in a long RUN step stops the step in BuildKit', async () => {
    const { statuses, marker } = await cancelDuringLongRun('buildx', runner());
    assert.deepEqual(statuses, ['cancelled']);
    await eventually(() => processesWithArgv(['sleep', marker]).length === 0, 20_000, 'BuildKit to stop the RUN step');
  });

  it('a failing RUN is reported at its Dockerfile line and keeps no result image', async () => {
    const config = await fixtureWorkspace();
    const dockerfile = join(config.root, 'Dockerfile');
    await writeFile(
      dockerfile,
      'FROM scratch\nARG TARGETARCH\nCOPY rootfs-${TARGETARCH}/ /\nRUN echo failing && exit 4\n',
    );
    const plan = buildPlan(config, { engine: 'buildx', variants: ['minimal'], platforms: ['linux/arm64'] });
    const summary = await runner().run(plan, { config });
    assert.equal(summary.ok, false);
    const problem = summary.outcomes[0]!.problem!;
    assert.equal(problem.file, dockerfile);
    assert.equal(problem.line, 4);
    assert.equal(problem.exitCode, 4);
    await rm(config.root, { recursive: true, force: true });
  });

  it('the Builders view data: the current builder, its nodes, driver, BuildKit version and platforms', async () => {
    const programs = programsFromEnv(bx.env);
    const support = await platformSupport('buildx', ['linux/amd64', 'linux/arm64'], { programs, env: bx.env });
    assert.equal(support.buildersProblem, undefined);
    const current = support.builders?.find((b) => b.current);
    assert.equal(current?.name, bx.builder.name);
    assert.equal(current.driver, bx.builder.driver);
    assert.deepEqual(
      current.nodes.map((n) => n.name),
      bx.builder.nodes.map((n) => n.name),
    );
    assert.ok(current.nodes[0]!.platforms.some((p) => p.platform === 'linux/arm64'));
    assert.deepEqual(
      support.availability.map((a) => a.state === 'unavailable'),
      [false, false],
    );
    // buildx before 0.13 lists no BuildKit version; the builder in use gets it from `buildx inspect`.
    const inUse = await activeBuilder(support, { programs, env: bx.env });
    assert.match(inUse?.nodes[0]?.buildkit ?? '', /^v\d+\.\d+\.\d+/);
    assert.equal(inUse?.nodes[0]?.buildkit, bx.builder.nodes[0]?.buildkit);
  });
});

/**
 * Two BuildKit daemons this test starts (`$MULTIARCH_BUILDKITD`, run as root), one worker platform each,
 * joined into one remote-driver builder with `buildx create --append` in a Docker config folder of the
 * test's own, so the user's current builder is never touched.
 */
describe('docker buildx multi-node builder: two BuildKit daemons, one platform pinned to each, each cell recorded with its node', function () {
  this.timeout(600_000);
  let bx: Buildx;
  let dir: string;
  const daemons: ChildProcess[] = [];
  const builderName = `ma-nodes-${runTag}`;
  const nodes = [
    { name: `${builderName}-amd64`, platform: 'linux/amd64' },
    { name: `${builderName}-arm64`, platform: 'linux/arm64' },
  ];
  let nodeEnv: NodeJS.ProcessEnv;
  let projectRoot: string | undefined;
  let builder: BuildxBuilder;
  const image = `queue-nodes-${runTag}`;

  before(async function () {
    bx = await requireBuildx(this);
    const buildkitd = process.env.MULTIARCH_BUILDKITD;
    if (!buildkitd || !existsSync(buildkitd) || process.getuid?.() !== 0) {
      console.log(
        '      skipped: set MULTIARCH_BUILDKITD to a buildkitd binary and run as root to test a two-node builder',
      );
      this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'buildx-nodes-'));
    const config = join(dir, 'docker-config');
    await mkdir(join(config, 'cli-plugins'), { recursive: true });
    await symlink(
      join(bx.env.DOCKER_CONFIG!, 'cli-plugins', 'docker-buildx'),
      join(config, 'cli-plugins', 'docker-buildx'),
    );
    nodeEnv = { ...bx.env, DOCKER_CONFIG: config };
    await writeFile(join(dir, 'buildkitd.toml'), `[registry."${registry}"]\n  http = true\n  insecure = true\n`);
    for (const n of nodes) {
      const root = join(dir, n.name);
      const child = spawn(
        buildkitd!,
        [
          '--config',
          join(dir, 'buildkitd.toml'),
          '--root',
          root,
          '--addr',
          `unix://${root}.sock`,
          '--oci-worker=true',
          '--containerd-worker=false',
          '--oci-worker-platform',
          n.platform,
        ],
        { stdio: 'ignore' },
      );
      daemons.push(child);
      await eventually(() => existsSync(`${root}.sock`), 30_000, `buildkitd for ${n.platform} to listen`);
    }
    const create = async (argv: string[]) => {
      const r = await runTool([docker, 'buildx', ...argv], { env: nodeEnv, timeoutMs: 60_000 });
      assert.ok(r.ok, `${argv.join(' ')}: ${r.stderr}`);
    };
    // Each node pinned to its platform (`--platform`), which buildx prefers over what each BuildKit lists
    // (both list both: their own platform and the QEMU one).
    const endpoint = (i: number) => `unix://${join(dir, nodes[i]!.name)}.sock`;
    await create([
      'create',
      '--name',
      builderName,
      '--node',
      nodes[0]!.name,
      '--platform',
      nodes[0]!.platform,
      '--driver',
      'remote',
      '--use',
      endpoint(0),
    ]);
    await create([
      'create',
      '--append',
      '--name',
      builderName,
      '--node',
      nodes[1]!.name,
      '--platform',
      nodes[1]!.platform,
      endpoint(1),
    ]);
  });

  after(async () => {
    if (nodeEnv) await runTool([docker, 'buildx', 'rm', builderName], { env: nodeEnv, timeoutMs: 60_000 });
    if (projectRoot) {
      await removeRunRepository(`${registry}/${image}`);
      await rm(projectRoot, { recursive: true, force: true });
    }
    for (const d of daemons) d.kill('SIGTERM');
    await Promise.all(daemons.map((d) => (d.exitCode === null ? new Promise((r) => d.once('exit', r)) : undefined)));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('buildx inspect lists both nodes with the remote driver, each its BuildKit version and its pinned platform first', async () => {
    const inspect = await runTool([docker, 'buildx', 'inspect', '--bootstrap', builderName], {
      env: nodeEnv,
      timeoutMs: 60_000,
    });
    assert.ok(inspect.ok, inspect.stderr);
    builder = parseBuildxInspect(inspect.stdout);
    assert.equal(builder.driver, 'remote');
    assert.deepEqual(
      builder.nodes.map((n) => [n.name, n.platforms[0], /^v\d+\.\d+/.test(n.buildkit ?? '')]),
      nodes.map((n) => [n.name, { platform: n.platform, pinned: true }, true]),
    );
    // BuildKit adds what QEMU runs to the worker's own platform, so each node lists the other platform too.
    for (const n of builder.nodes) assert.ok(n.platforms.length > 1, JSON.stringify(n.platforms));
  });

  it('Build All (push): each platform builds on its own node, and the records and the summary name it', async () => {
    const config = await projectWorkspace(
      'queue-service',
      baseImage,
      (y) => `${y.replace(/^image: .*$/m, `image: ${image}`)}registry: ${registry}\n`,
    );
    projectRoot = config.root;
    const r = await multiarch(config.root, ['build', '--push', '--engine', 'buildx'], nodeEnv);
    assert.equal(r.exitCode, 0, String(r.stderr).slice(-3000));
    assert.match(String(r.stdout), /VARIANT\s+PLATFORM\s+STATUS\s+SECONDS\s+NODE/);
    const results = JSON.parse(await readFile(join(config.root, '.multiarch', 'results.json'), 'utf8')) as {
      cells: Record<string, BuildRecord[]>;
    };
    const named = new Set<string>();
    for (const [cell, history] of Object.entries(results.cells)) {
      const platform = cell.split('@')[1]!;
      const want = nodeForPlatform(builder, platform, bx.version)?.name;
      assert.equal(want, nodes.find((n) => n.platform === platform)!.name, `the node pinned to ${platform}`);
      assert.equal(history[0]!.node, want, cell);
      assert.match(
        String(r.stdout),
        new RegExp(`${cell.split('@')[0]}\\s+${platform}\\s+succeeded\\s+[\\d.]+\\s+${want}`),
      );
      named.add(want);
    }
    // Both nodes did work: each BuildKit holds the layers it built.
    assert.equal(named.size, 2);
    for (const n of nodes) {
      const snapshots = join(dir, n.name, 'runc-overlayfs', 'snapshots', 'snapshots');
      const built = existsSync(snapshots) && readdirSync(snapshots).length > 0;
      assert.equal(built, named.has(n.name), `${n.name} built: ${built}`);
    }
  });
});
