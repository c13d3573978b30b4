import * as assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { resolveConfig } from '../../../src/core/config/resolve';
import type { ResolvedConfig } from '../../../src/core/config/types';
import type { BuildNode, OutputMode } from '../../../src/core/jobs';
import { buildPlan } from '../../../src/core/matrix/plan';
import { deliverNodeOutputs, nodeCells } from '../../../src/core/nodes/deliver';

const sharedBase = resolve(__dirname, '../../fixtures/projects/shared-base');
const armBox: BuildNode = {
  name: 'arm-box',
  engine: 'podman',
  endpoint: 'tcp://127.0.0.1:1',
  platforms: ['linux/arm64'],
  source: 'config',
};

function config(output: OutputMode): ResolvedConfig {
  return resolveConfig(
    {
      image: 'app',
      tag: 'dev',
      registry: '127.0.0.1:1',
      output,
      variantArg: 'QUEUE_BACKEND',
      platforms: ['linux/amd64', 'linux/arm64'],
      variants: { minimal: null, redis: null },
    },
    { root: sharedBase, file: join(sharedBase, 'multiarch.yaml'), ...{ machineNodes: [armBox] } },
  );
}

describe('nodes: delivering what build nodes built', () => {
  it('lists the cells each node built, with the image its store holds', () => {
    const plan = buildPlan(config('push'), { engine: 'docker' });
    const done = plan.jobs.map((job) => ({
      job,
      status: job.variant === 'redis' && job.node ? ('failed' as const) : ('succeeded' as const),
    }));
    assert.deepEqual(
      nodeCells(plan, done).map((c) => [c.variant, c.node.name, c.platform, c.image]),
      // The node's podman job leaves one plain image per platform under its per-arch tag in its store; redis failed there.
      [['minimal', 'arm-box', 'linux/arm64', 'app:dev-minimal-arm64']],
    );
  });

  it('leaves a push or oci variant with a failed cell as it was, and fails only the cells a load could not bring', async () => {
    for (const output of ['push', 'oci'] as const) {
      const c = config(output);
      const plan = buildPlan(c, { engine: 'podman' });
      const done = plan.jobs.map((job) => ({ job, status: job.node ? ('succeeded' as const) : ('failed' as const) }));
      // Nothing is attempted (the node's endpoint answers nothing): no push, no archive, no failure added.
      assert.deepEqual(await deliverNodeOutputs({ config: c, plan, done }, { localEngine: 'podman' }), {
        failed: [],
        ociPaths: {},
        indexes: {},
      });
    }
    const c = config('load');
    const plan = buildPlan(c, { engine: 'podman', variants: ['minimal'] });
    const done = plan.jobs.map((job) => ({ job, status: 'succeeded' as const }));
    const r = await deliverNodeOutputs({ config: c, plan, done }, { localEngine: 'podman', timeoutMs: 20_000 });
    assert.deepEqual(
      r.failed.map((f) => f.cell),
      [{ variant: 'minimal', platform: 'linux/arm64' }],
    );
    assert.match(r.failed[0]!.message, /on node arm-box \(tcp:\/\/127\.0\.0\.1:1\)/);
  });
});
