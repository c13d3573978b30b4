import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { BuildRunner, nodeTimeoutMs } from '../../src/core/build/runner';
import type { ResolvedConfig } from '../../src/core/config/types';
import { programsFromEnv } from '../../src/core/engines/detect';
import { runTool } from '../../src/core/engines/exec';
import { parseManifestList } from '../../src/core/engines/podmanOutput';
import { nameOf, parseReference } from '../../src/core/reference';
import type { EngineKind, Job } from '../../src/core/jobs';
import { buildPlan } from '../../src/core/matrix/plan';
import { variantTags } from '../../src/core/engines/references';
import { onNode } from '../../src/core/nodes/endpoint';
import type { BuildNode } from '../../src/core/nodes/types';
import { env, eventually, projectWorkspace, registry, removeBuiltImages, tool } from './helpers';

/**
 * Build nodes against the second engines setup starts beside the first (their own stores): a podman API
 * service on 127.0.0.2 and a second dockerd on its own socket. The config gives the node linux/arm64, so
 * the arm64 cells are built there (under QEMU on this amd64 machine, which changes nothing about where).
 */
const programs = programsFromEnv(env);
const runner = () => new BuildRunner({ programs, env, concurrency: 2 });
const nodeEndpoint = { podman: env.MULTIARCH_NODE2_PODMAN, docker: env.MULTIARCH_NODE2_DOCKER };

function withNode(engine: BuildNode['engine'], endpoint: string, name = 'node2'): (yaml: string) => string {
  return (yaml) =>
    `${yaml}nodes:\n  - { name: ${name}, engine: ${engine}, endpoint: "${endpoint}", platforms: [linux/arm64] }\n`;
}

async function query(node: BuildNode | undefined, argv: string[]) {
  return runTool(onNode(argv, node), { env, timeoutMs: 60_000 });
}

/** os/arch of each image under `tag` in one store: a podman list's entries, or a docker image's config. */
async function platformsIn(
  engine: 'podman' | 'docker',
  node: BuildNode | undefined,
  tag: string,
  plain = false,
): Promise<string[]> {
  if (engine === 'podman' && !plain) {
    const r = await query(node, [programs.podman, 'manifest', 'inspect', tag]);
    return r.ok ? parseManifestList(r.stdout).map((e) => e.platform) : [];
  }
  const r = await query(node, [programs[engine], 'image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', tag]);
  return r.ok ? [r.stdout.trim()] : [];
}

async function removeNodeImages(engine: 'podman' | 'docker', node: BuildNode, tags: string[]): Promise<void> {
  for (const tag of tags) {
    if (engine === 'docker') {
      await query(node, [programs.docker, 'rmi', tag]);
      continue;
    }
    const listed = await query(node, [programs.podman, 'manifest', 'inspect', tag]);
    const digests = listed.ok ? parseManifestList(listed.stdout).map((e) => e.digest) : [];
    if (!(await query(node, [programs.podman, 'manifest', 'rm', tag])).ok)
      await query(node, [programs.podman, 'rmi', tag]);
    for (const d of digests) await query(node, [programs.podman, 'rmi', `${tag.split(':')[0]}@${d}`]);
  }
}

for (const engine of ['podman', 'docker'] as const) {
  describe(`build nodes: a ${engine} node builds linux/arm64 in its own store`, function () {
    this.timeout(600_000);
    let config: ResolvedConfig;
    let jobs: Job[] = [];
    const published: string[] = [];

    before(function () {
      if (!nodeEndpoint[engine]) this.skip();
    });

    after(async () => {
      const node = config?.nodes[0];
      await removeBuiltImages(engine as EngineKind, programs[engine], [
        ...jobs.filter((j) => !j.node).flatMap((j) => [...j.tags, ...Object.values(j.platformTags ?? {})]),
        ...published,
      ]);
      if (node)
        await removeNodeImages(
          engine,
          node,
          jobs.filter((j) => j.node).flatMap((j) => j.tags),
        );
    });

    it('push: amd64 is built here only, arm64 on the node only; the registry index lists both with the pushed digests', async () => {
      config = await projectWorkspace(
        'shared-base',
        undefined,
        (y) => `${withNode(engine, nodeEndpoint[engine]!)(y)}registry: ${registry}\n`,
      );
      const node = config.nodes[0]!;
      const plan = buildPlan(config, {
        engine,
        variants: ['minimal'],
        output: 'push',
        canLoadManifestList: engine === 'podman',
      });
      jobs = plan.jobs;
      // dockerd's jobs push per-platform tags only; the variant's index is made after them, under its own tag.
      published.push(
        ...variantTags(
          config,
          config.variants.find((v) => v.name === 'minimal')!,
          true,
        ),
      );
      assert.deepEqual(
        plan.jobs.map((j) => [j.node ?? 'local', j.platforms]),
        [
          ['local', ['linux/amd64']],
          ['node2', ['linux/arm64']],
        ],
      );
      const summary = await runner().run(plan, { config });
      assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
      assert.deepEqual(
        summary.records.map((r) => [r.platform, r.status, r.node ?? 'local']),
        [
          ['linux/amd64', 'succeeded', 'local'],
          ['linux/arm64', 'succeeded', 'node2'],
        ],
      );
      assert.match(summary.records[1]!.engineVersion ?? '', /^\d+\.\d+/);

      const [local, remote] = plan.jobs;
      const localTag = local!.platformTags?.['linux/amd64'] ?? local!.tags[0]!;
      const remoteTag = remote!.tags[0]!;
      assert.deepEqual(await platformsIn(engine, undefined, localTag), ['linux/amd64']);
      assert.deepEqual(
        await platformsIn(engine, node, remoteTag, true),
        ['linux/arm64'],
        'a node keeps one plain image per platform',
      );
      assert.deepEqual(
        await platformsIn(engine, undefined, remoteTag, true),
        [],
        'the arm64 image is not in the local store',
      );
      // Plain inspect: podman's `manifest inspect` falls back to the registry, which now has the index.
      assert.deepEqual(await platformsIn(engine, node, localTag, true), [], 'the amd64 image is not in the node store');
      const ran = await query(node, [programs[engine], 'run', '--rm', remoteTag, 'cat', '/build-arch']);
      assert.equal(ran.stdout.trim(), 'aarch64', ran.stderr);

      // One index under the variant tag: this machine's amd64 and the node's arm64, by the digests in the registry.
      const tag = variantTags(
        config,
        config.variants.find((v) => v.name === 'minimal')!,
        true,
      )[0]!;
      const index = JSON.parse(
        (await tool(['skopeo', 'inspect', '--raw', '--tls-verify=false', `docker://${tag}`])).stdout,
      ) as {
        manifests: Array<{ digest: string; platform: { os: string; architecture: string } }>;
      };
      const byPlatform = Object.fromEntries(
        index.manifests.map((m) => [`${m.platform.os}/${m.platform.architecture}`, m.digest]),
      );
      assert.deepEqual(Object.keys(byPlatform).sort(), ['linux/amd64', 'linux/arm64']);
      const arm = JSON.parse(
        (
          await tool([
            'skopeo',
            'inspect',
            '--tls-verify=false',
            `docker://${nameOf(parseReference(tag))}@${byPlatform['linux/arm64']}`,
          ])
        ).stdout,
      ) as { Architecture: string };
      assert.equal(arm.Architecture, 'arm64');
    });
  });
}

describe("build nodes: load brings a node's image into this machine's store", function () {
  this.timeout(600_000);
  let config: ResolvedConfig;
  let jobs: Job[] = [];

  before(function () {
    if (!nodeEndpoint.podman) this.skip();
  });

  after(async () => {
    await removeBuiltImages(
      'podman',
      programs.podman,
      jobs.flatMap((j) => j.tags),
    );
    if (config?.nodes[0])
      await removeNodeImages(
        'podman',
        config.nodes[0],
        jobs.filter((j) => j.node).flatMap((j) => j.tags),
      );
  });

  it('the arm64 image built on the node arrives here under its per-arch tag', async () => {
    config = await projectWorkspace('shared-base', undefined, withNode('podman', nodeEndpoint.podman!));
    const plan = buildPlan(config, { engine: 'podman', variants: ['redis'], canLoadManifestList: true });
    jobs = plan.jobs;
    const summary = await runner().run(plan, { config });
    assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
    const armTag = plan.jobs.find((j) => j.node)!.tags[0]!;
    assert.match(armTag, /-redis-arm64$/);
    assert.equal(
      (await tool([programs.podman, 'image', 'inspect', '--format', '{{.Architecture}}', armTag])).stdout.trim(),
      'arm64',
    );
    assert.equal((await tool([programs.podman, 'run', '--rm', armTag, 'cat', '/build-backend'])).stdout, 'redis');
  });
});

describe('build nodes: a node that does not answer', function () {
  this.timeout(600_000);
  const built: string[] = [];
  let hanging: Server;
  const sockets = new Set<Socket>();

  before(async () => {
    // Accepts connections and never answers: what a machine whose engine hangs looks like to a client.
    hanging = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => hanging.close(resolve));
    await removeBuiltImages('podman', programs.podman, built);
  });

  it('a refused podman node fails only its own cells, naming it; the local cells succeed', async () => {
    const config = await projectWorkspace('shared-base', undefined, withNode('podman', 'tcp://127.0.0.3:1', 'arm-box'));
    const plan = buildPlan(config, { engine: 'podman', variants: ['minimal', 'redis'], canLoadManifestList: true });
    built.push(...plan.jobs.filter((j) => !j.node).flatMap((j) => j.tags));
    const summary = await runner().run(plan, { config });
    assert.equal(summary.ok, false);
    const rows = summary.records.map((r) => [r.variant, r.platform, r.status, r.node ?? 'local']).sort();
    assert.deepEqual(rows, [
      ['minimal', 'linux/amd64', 'succeeded', 'local'],
      ['minimal', 'linux/arm64', 'failed', 'arm-box'],
      ['redis', 'linux/amd64', 'succeeded', 'local'],
      ['redis', 'linux/arm64', 'failed', 'arm-box'],
    ]);
    for (const r of summary.records.filter((x) => x.node)) {
      assert.match(
        r.error!,
        /^node arm-box \(tcp:\/\/127\.0\.0\.3:1\) did not answer \(.*connection refused\); check that the machine is on/,
      );
    }
  });

  it('a node that accepts but never answers fails its cells with the connect timeout, not later', async () => {
    const { port } = hanging.address() as { port: number };
    const endpoint = `tcp://127.0.0.1:${port}`;
    const config = await projectWorkspace('shared-base', undefined, withNode('docker', endpoint, 'stuck'));
    const plan = buildPlan(config, { engine: 'podman', variants: ['minimal'], canLoadManifestList: true });
    built.push(...plan.jobs.filter((j) => !j.node).flatMap((j) => j.tags));
    const summary = await runner().run(plan, { config });
    const failed = summary.records.find((r) => r.node === 'stuck')!;
    assert.equal(failed.status, 'failed');
    assert.equal(nodeTimeoutMs, 5000);
    assert.match(
      failed.error!,
      new RegExp(
        `^node stuck \\(tcp://127\\.0\\.0\\.1:${port}\\) did not answer within 5 s; check that the machine is on and dockerd listens there`,
      ),
    );
    assert.equal(summary.records.find((r) => !r.node)!.status, 'succeeded');
  });
});

/** Processes whose environment holds `entry` (KEY=VALUE): a build step's shell, found from here because node2 runs on this machine. */
function processesWithEnv(entry: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .flatMap((p) => {
      try {
        return readFileSync(`/proc/${p}/environ`, 'utf8').split('\0').includes(entry) ? [Number(p)] : [];
      } catch {
        return [];
      }
    });
}

/** Children and grandchildren of `pid` (the node's podman service runs each RUN step as a descendant). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const ppid = Number(/^\d+ \(.*\) \S (\d+)/.exec(readFileSync(`/proc/${p}/stat`, 'utf8'))?.[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(p)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => (children.get(p) ?? []).forEach((c) => (out.push(c), walk(c)));
  walk(pid);
  return out;
}

describe("build nodes: cancel stops a podman node's build", function () {
  this.timeout(600_000);
  const rounds = `${600_000 + (process.pid % 1000)}`;

  before(function () {
    if (!nodeEndpoint.podman) this.skip();
  });

  // The step's own process outlives its build (see below); this test started it, so it ends it.
  after(() => processesWithEnv(`DEPS_ROUNDS=${rounds}`).forEach((pid) => process.kill(pid, 'SIGKILL')));

  it("the client is killed, the build's working container on the node is removed, and nothing after the running step runs or is committed", async () => {
    const config = await projectWorkspace(
      'heavy-shared',
      undefined,
      (y) => `${y}  DEPS_ROUNDS: "${rounds}"\n${withNode('podman', nodeEndpoint.podman!)('')}`,
    );
    const node = config.nodes[0]!;
    const plan = buildPlan(config, {
      engine: 'podman',
      variants: ['minimal'],
      platforms: ['linux/arm64'],
      canLoadManifestList: true,
    });
    assert.deepEqual(
      plan.jobs.map((j) => j.node),
      ['node2'],
    );
    const job = plan.jobs[0]!;
    const service = readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .find((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, 'utf8')
            .split('\0')
            .join(' ')
            .includes(`system service --time=0 ${node.endpoint.replace('tcp://', 'tcp:')}`);
        } catch {
          return false;
        }
      });
    assert.ok(service, 'the node2 podman service process');
    const started = Date.now();
    const stop = new AbortController();
    const running = runner().run(plan, { config, signal: stop.signal });
    await eventually(
      () => processesWithEnv(`DEPS_ROUNDS=${rounds}`).length > 0,
      300_000,
      'the deps step running on the node',
    );
    stop.abort();
    const summary = await running;
    assert.deepEqual(
      summary.records.map((r) => [r.platform, r.status, r.node]),
      [['linux/arm64', 'cancelled', 'node2']],
    );

    const workingSince = async () => {
      const ps = await query(node, [programs.podman, 'ps', '--external', '--all', '--format', 'json']);
      return (JSON.parse(ps.stdout || '[]') as { State: string; Created: number }[]).filter(
        (c) => c.State === 'storage' && c.Created >= Math.floor(started / 1000) - 1,
      );
    };
    assert.deepEqual(await workingSince(), [], 'the working container was removed at cancel');
    // podman 4.3's service would go on building without its client (containers/podman#10295); with its working
    // container gone the build ends: the service has no build process left. (The RUN step's own process is left
    // to run out, orphaned: nothing can signal it through the API.)
    await eventually(
      () => descendants(Number(service)).length === 0,
      120_000,
      'the node service to have no build process left',
    );
    assert.deepEqual(await workingSince(), [], 'no later step started a working container');
    const temp = job.staging!.discard[0]!.at(-1)!;
    for (const ref of [temp, job.tags[0]!]) {
      assert.equal(
        (await query(node, [programs.podman, 'image', 'exists', ref])).exitCode,
        1,
        `${ref} is not on the node`,
      );
    }
  });
});

describe("build nodes: cancel stops a docker node's build", function () {
  this.timeout(600_000);
  // Far more rounds than can end on their own within the wait below (~60 s under QEMU on an idle machine).
  const rounds = `${5_000_000 + (process.pid % 1000)}`;

  before(function () {
    if (!nodeEndpoint.docker) this.skip();
  });

  it('dockerd cancels the build whose client was killed: the running step stops and nothing is tagged', async () => {
    const config = await projectWorkspace(
      'heavy-shared',
      undefined,
      (y) => `${y}  DEPS_ROUNDS: "${rounds}"\n${withNode('docker', nodeEndpoint.docker!)('')}`,
    );
    const node = config.nodes[0]!;
    const plan = buildPlan(config, { engine: 'docker', variants: ['minimal'], platforms: ['linux/arm64'] });
    assert.deepEqual(
      plan.jobs.map((j) => j.node),
      ['node2'],
    );
    const stop = new AbortController();
    const running = runner().run(plan, { config, signal: stop.signal });
    await eventually(
      () => processesWithEnv(`DEPS_ROUNDS=${rounds}`).length > 0,
      300_000,
      'the deps step running on the node',
    );
    stop.abort();
    const summary = await running;
    assert.deepEqual(
      summary.records.map((r) => [r.platform, r.status, r.node]),
      [['linux/arm64', 'cancelled', 'node2']],
    );
    await eventually(
      () => processesWithEnv(`DEPS_ROUNDS=${rounds}`).length === 0,
      30_000,
      'the step on the node to stop',
    );
    assert.equal((await query(node, [programs.docker, 'image', 'inspect', plan.jobs[0]!.tags[0]!])).ok, false);
  });
});
