import * as assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveConfig } from '../../../src/core/config/resolve';
import type { RawConfig, ResolvedConfig } from '../../../src/core/config/types';
import { BuildRunner } from '../../../src/core/build/runner';
import { failureLines, summaryTable } from '../../../src/core/build/summary';
import { planToJson } from '../../../src/core/matrix/formatPlan';
import { buildPlan } from '../../../src/core/matrix/plan';
import { splitByNode } from '../../../src/core/nodes/placement';
import type { BuildNode, Job, Plan } from '../../../src/core/jobs';

const sharedBase = resolve(__dirname, '../../fixtures/projects/shared-base');
const armBox: BuildNode = {
  name: 'arm-box',
  engine: 'podman',
  endpoint: 'ssh://builder@arm-box/run/podman/podman.sock',
  platforms: ['linux/arm64'],
  source: 'config',
};
const dockerArm: BuildNode = { ...armBox, name: 'pi', engine: 'docker', endpoint: 'tcp://pi:2375' };

function config(nodes: BuildNode[], raw: RawConfig = {}): ResolvedConfig {
  return resolveConfig(
    {
      image: 'app',
      tag: 'dev',
      variantArg: 'QUEUE_BACKEND',
      platforms: ['linux/amd64', 'linux/arm64'],
      variants: { minimal: null, redis: null },
      ...raw,
    },
    { root: sharedBase, file: join(sharedBase, 'multiarch.yaml'), ...{ machineNodes: nodes } },
  );
}

describe('nodes: scheduling', () => {
  it('sends each platform to the first node that lists it, the rest to this machine', () => {
    const riscv: BuildNode = { ...armBox, name: 'rv', platforms: ['linux/riscv64', 'linux/arm64/v8'] };
    assert.deepEqual(
      splitByNode(['linux/amd64', 'linux/arm64', 'linux/riscv64', 'linux/s390x'], [armBox, riscv]).map((g) => [
        g.node?.name ?? 'local',
        g.platforms,
      ]),
      [
        ['local', ['linux/amd64', 'linux/s390x']],
        ['arm-box', ['linux/arm64']],
        ['rv', ['linux/riscv64']],
      ],
    );
  });

  it("plans per node × variant, with the node engine's argv pointed at it and its own pulls", () => {
    const plan = buildPlan(config([armBox]), { engine: 'podman' });
    assert.deepEqual(
      plan.jobs.map((j) => [j.id, j.node ?? 'local', j.platforms]),
      [
        ['minimal', 'local', ['linux/amd64']],
        ['minimal@linux/arm64@arm-box', 'arm-box', ['linux/arm64']],
        ['redis', 'local', ['linux/amd64']],
        ['redis@linux/arm64@arm-box', 'arm-box', ['linux/arm64']],
      ],
    );
    const remote = plan.jobs[1]!;
    assert.deepEqual(remote.argv.slice(0, 5), ['podman', '--url', armBox.endpoint, 'build', '--platform']);
    for (const step of [...(remote.before ?? []), ...(remote.after ?? [])])
      assert.deepEqual(step.slice(0, 3), ['podman', '--url', armBox.endpoint]);
    assert.deepEqual(
      plan.nodes?.map((n) => n.name),
      ['arm-box'],
    );
    // Each machine pulls the shared base into its own store, once per platform it builds.
    assert.deepEqual(
      plan.pulls?.map((p) => [p.node ?? 'local', p.platform]),
      [
        ['local', 'linux/amd64'],
        ['arm-box', 'linux/arm64'],
      ],
    );
    const json = planToJson(plan, 'test') as { jobs: { node: string }[]; pulls: { node: string }[] };
    assert.deepEqual(
      json.jobs.map((j) => j.node),
      ['local', 'arm-box', 'local', 'arm-box'],
    );
    assert.deepEqual(
      json.pulls.map((p) => p.node),
      ['local', 'arm-box'],
    );
  });

  it('builds on the node in its own store, whatever the output, and keeps the output the run must deliver', () => {
    const plan = buildPlan(config([armBox]), { engine: 'podman', output: 'push' });
    const remote = plan.jobs.find((j) => j.node)!;
    assert.equal(remote.output, 'push');
    assert.ok(!remote.after?.some((a) => a.includes('push')), 'the node does not push under the variant tag itself');
  });

  it('a docker node gets one docker job per platform; a buildx bake keeps only what stays here', () => {
    const plan = buildPlan(config([dockerArm]), { engine: 'buildx', bake: true });
    const bake = plan.jobs.find((j) => j.cells)!;
    assert.deepEqual(
      bake.cells?.map((c) => c.platform),
      ['linux/amd64', 'linux/amd64'],
    );
    const remote = plan.jobs.filter((j) => j.node);
    assert.deepEqual(
      remote.map((j) => [j.engine, j.platforms, j.argv.slice(0, 4)]),
      [
        ['docker', ['linux/arm64'], ['docker', '--host', 'tcp://pi:2375', 'build']],
        ['docker', ['linux/arm64'], ['docker', '--host', 'tcp://pi:2375', 'build']],
      ],
    );
  });

  it('a config without nodes plans exactly as before', () => {
    const plan = buildPlan(config([]), { engine: 'podman' });
    assert.deepEqual(
      plan.jobs.map((j) => [j.id, j.node]),
      [
        ['minimal', undefined],
        ['redis', undefined],
      ],
    );
    assert.equal(plan.nodes, undefined);
  });
});

describe('nodes: a node that does not answer', () => {
  it("fails only its own cells with the probe's message; this machine's cells go on", async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'nodes-run-'));
    const job = (id: string, platform: string, node?: string): Job => ({
      id,
      engine: 'podman',
      variant: 'minimal',
      platforms: [platform],
      output: 'load',
      tags: [`app:${id}`],
      argv: [process.execPath, '-e', ''],
      cwd,
      ...(node ? { node } : {}),
    });
    const plan: Plan = {
      engine: 'podman',
      jobs: [job('here', 'linux/amd64'), job('there', 'linux/arm64', 'arm-box')],
      nodes: [armBox],
    };
    const asked: number[] = [];
    const runner = new BuildRunner({
      nodeTimeoutMs: 1234,
      probe: async (node, opts) => {
        asked.push(opts?.timeoutMs ?? -1);
        return {
          node: node.name,
          reachable: false,
          error: `node arm-box (${node.endpoint}) did not answer within 1.2 s; check that the machine is on`,
        };
      },
    });
    const summary = await runner.run(plan);
    assert.deepEqual(asked, [1234]);
    assert.deepEqual(
      summary.records.map((r) => [r.platform, r.status, r.node ?? 'local']),
      [
        ['linux/amd64', 'succeeded', 'local'],
        ['linux/arm64', 'failed', 'arm-box'],
      ],
    );
    assert.match(
      summary.records[1]!.error!,
      /^node arm-box \(ssh:\/\/builder@arm-box\/run\/podman\/podman.sock\) did not answer/,
    );
    assert.match(
      failureLines(summary),
      /error: minimal \(linux\/arm64 on arm-box\): node arm-box .* did not answer within 1.2 s; check/,
    );
    assert.match(
      summaryTable(summary.records),
      /NODE\n.*linux\/amd64 +succeeded +[0-9.]+ +local\n.*linux\/arm64 +failed +[0-9.]+ +arm-box\n/,
    );
  });
});

describe('nodes: where each cell was built, in the report', () => {
  it('names the node of each cell a build node built', async () => {
    const { renderReport } = await import('../../../src/core/report/renderReport');
    const rec = (platform: string, node?: string) => ({
      variant: 'minimal',
      platform,
      engine: 'podman' as const,
      output: 'load' as const,
      status: 'succeeded' as const,
      startedAt: '2026-11-30T12:00:00.000Z',
      durationMs: 12_000,
      ...(node ? { node, emulated: false } : {}),
    });
    const text = renderReport({
      generatedAt: new Date('2026-11-30T12:30:00Z'),
      host: { os: 'Linux', release: '6', arch: 'amd64' },
      records: [rec('linux/amd64'), rec('linux/arm64', 'arm-box')],
      sizes: [],
      verify: [],
      platforms: [],
    });
    assert.match(text, /- \[x\] Build minimal for linux\/amd64: succeeded/);
    assert.match(text, /- \[x\] Build minimal for linux\/arm64 on arm-box: succeeded/);
    assert.match(text, /\| minimal \| amd64, arm64 on arm-box \|/);
  });
});
