import * as assert from 'node:assert/strict';
import { buildPlan, expandMatrix, PlanError } from '../../../src/core/matrix/plan';
import { sampleConfig } from '../helpers/sampleConfig';

describe('matrix expansion', () => {
  it('lists every variant × its platforms in config order', () => {
    assert.deepEqual(
      expandMatrix(sampleConfig()).map((c) => `${c.variant}@${c.platform}`),
      ['minimal@linux/amd64', 'minimal@linux/arm64', 'redis@linux/amd64', 'redis@linux/arm64', 'sqs@linux/amd64'],
    );
  });

  it('builds one buildx job per variant when pushing', () => {
    const plan = buildPlan(sampleConfig(), { engine: 'buildx', output: 'push' });
    assert.deepEqual(
      plan.jobs.map((j) => [j.variant, j.platforms]),
      [
        ['minimal', ['linux/amd64', 'linux/arm64']],
        ['redis', ['linux/amd64', 'linux/arm64']],
        ['sqs', ['linux/amd64']],
      ],
    );
  });

  it('filters by variant and by platform', () => {
    const plan = buildPlan(sampleConfig(), {
      engine: 'buildx',
      output: 'push',
      variants: ['redis', 'sqs'],
      platforms: ['linux/arm64'],
    });
    assert.deepEqual(
      plan.jobs.map((j) => [j.variant, j.platforms]),
      [['redis', ['linux/arm64']]],
    );
  });

  it('names the known variants when asked for an unknown one', () => {
    assert.throws(
      () => buildPlan(sampleConfig(), { engine: 'buildx', variants: ['kafka'] }),
      (e: unknown) => {
        assert.ok(e instanceof PlanError);
        assert.match(e.message, /unknown variant "kafka"; the config defines: minimal, redis, sqs/);
        return true;
      },
    );
  });

  it('rejects a platform no variant is built for', () => {
    assert.throws(
      () => buildPlan(sampleConfig(), { engine: 'buildx', platforms: ['linux/s390x'] }),
      /no variant is built for platform "linux\/s390x"/,
    );
  });
});
