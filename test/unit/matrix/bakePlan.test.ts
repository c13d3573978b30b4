import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureOutputDirs } from '../../../src/core/build/jobFiles';
import { resolveConfig } from '../../../src/core/config/resolve';
import { bakePlan } from '../../../src/core/matrix/bakePlan';

function config(root: string) {
  return resolveConfig(
    {
      image: 'queue-service',
      tag: 'dev',
      variantArg: 'QUEUE_BACKEND',
      platforms: ['linux/amd64', 'linux/arm64'],
      variants: { kafka: null, redis: null },
    },
    { root, file: join(root, 'multiarch.yaml') },
  );
}

describe('Build All on buildx (one bake) in OCI mode', () => {
  it('records each cell against its own variant archive', () => {
    const job = bakePlan(config('/work/app'), { output: 'oci' }).jobs[0]!;
    assert.deepEqual(job.cellOciPaths, {
      'kafka@linux/amd64': '/work/app/.multiarch/out/kafka.tar',
      'kafka@linux/arm64': '/work/app/.multiarch/out/kafka.tar',
      'redis@linux/amd64': '/work/app/.multiarch/out/redis.tar',
      'redis@linux/arm64': '/work/app/.multiarch/out/redis.tar',
    });
    assert.equal(bakePlan(config('/work/app'), { output: 'push' }).jobs[0]!.cellOciPaths, undefined);
  });

  it('creates the output folder the archives are written to before the bake runs', async () => {
    // buildx 0.10.5: `ERROR: failed to open open …/.multiarch/out/kafka.tar.partial: no such file or directory`
    const root = await mkdtemp(join(tmpdir(), 'bake-oci-'));
    try {
      const job = bakePlan(config(root), { output: 'oci' }).jobs[0]!;
      assert.equal(job.ociPath, undefined);
      await ensureOutputDirs(job);
      assert.ok(existsSync(join(root, '.multiarch', 'out')));
      assert.ok(existsSync(join(root, '.multiarch', 'docker-bake.json')));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
