import * as assert from 'node:assert/strict';
import { buildPlan } from '../../../src/core/matrix/plan';
import { planToText } from '../../../src/core/matrix/formatPlan';
import { splitBuildxPlatforms, splitsPerPlatform } from '../../../src/core/schedule/buildxParts';
import { sampleConfig } from '../helpers/sampleConfig';

// Build All pushing with buildx on an amd64 or arm64 machine (each emulates the other): one build per variant and
// platform, each pushed by digest, instead of one bake.
describe('Build All pushing with buildx: one build per platform, pushed by digest', () => {
  const config = sampleConfig('registry: 127.0.0.1:5000\n');

  it('splits each variant of several platforms; a one-platform variant pushes its tag as before', () => {
    const plan = buildPlan(config, { engine: 'buildx', output: 'push', bake: true, splitPerPlatform: true });
    assert.deepEqual(
      plan.jobs.map((j) => [j.variant, j.parts?.map((p) => p.platform) ?? j.platforms]),
      [
        ['minimal', ['linux/amd64', 'linux/arm64']],
        ['redis', ['linux/amd64', 'linux/arm64']],
        ['sqs', ['linux/amd64']],
      ],
    );
    const redis = plan.jobs[1]!;
    assert.deepEqual(redis.tags, ['127.0.0.1:5000/openhqm:v1-redis']);
    assert.equal(redis.metadataFile, undefined);
    assert.deepEqual(redis.parts![1], {
      platform: 'linux/arm64',
      metadataFile: '/proj/.multiarch/metadata/redis-arm64.json',
      argv: [
        'docker',
        'buildx',
        'build',
        '--platform',
        'linux/arm64',
        '-f',
        '/proj/Dockerfile',
        '--build-arg',
        'REDIS_VERSION=5.0.1',
        '--build-arg',
        'QUEUE_BACKEND=redis',
        '--output',
        'type=image,name=127.0.0.1:5000/openhqm,push-by-digest=true,push=true',
        '--metadata-file',
        '/proj/.multiarch/metadata/redis-arm64.json',
        '/proj',
      ],
    });
    assert.deepEqual(plan.jobs[2]!.argv.slice(-6, -3), ['-t', '127.0.0.1:5000/openhqm:v1-sqs', '--push']);
    const text = planToText(plan, 'test');
    assert.match(text, /--platform linux\/arm64 .*push-by-digest=true,push=true .*redis-arm64\.json \/proj &\n/);
    assert.match(
      text,
      /wait\n# then one index of the images the builds pushed .* under 127\.0\.0\.1:5000\/openhqm:v1-redis\n/,
    );
  });

  it('keeps the bake where nothing is emulated beside a native platform, or the output is not a push', () => {
    assert.equal(splitsPerPlatform([{ platforms: ['linux/amd64'] }], 'linux/amd64'), false);
    assert.equal(splitsPerPlatform([{ platforms: ['linux/arm64', 'linux/arm/v7'] }], 'linux/amd64'), false);
    assert.equal(splitsPerPlatform([{ platforms: ['linux/amd64', 'linux/arm64'] }], 'linux/arm64'), true);
    for (const output of ['oci', 'load'] as const)
      assert.deepEqual(
        buildPlan(config, { engine: 'buildx', output, bake: true, splitPerPlatform: true }).jobs.map((j) => j.argv[2]),
        ['bake'],
      );
    const one = buildPlan(
      { ...config, variants: config.variants.map((v) => ({ ...v, platforms: ['linux/amd64'] })) },
      { engine: 'buildx', output: 'push', bake: true, splitPerPlatform: true },
    );
    assert.deepEqual(
      one.jobs.map((j) => j.argv[2]),
      ['bake'],
    );
  });

  it('leaves a job alone whose tags are in two repositories, or that keeps other platforms', () => {
    const [redis] = buildPlan(config, { engine: 'buildx', output: 'push', variants: ['redis'] }).jobs;
    const twoRepos = { ...redis!, tags: [...redis!.tags, '127.0.0.1:5000/other:v1'] };
    assert.equal(splitBuildxPlatforms(twoRepos), twoRepos);
    const keeps = { ...redis!, keepPlatforms: ['linux/s390x'] };
    assert.equal(splitBuildxPlatforms(keeps), keeps);
    assert.equal(splitBuildxPlatforms(redis!).parts?.length, 2);
  });
});
