import * as assert from 'node:assert/strict';
import { buildPlan } from '../../../src/core/matrix/plan';
import { sampleConfig } from '../helpers/sampleConfig';

// Golden argv for `docker buildx build`, per the documented CLI (docs.docker.com/reference/cli/docker/buildx/build/):
// --platform takes a comma-separated list, --build-arg KEY=VALUE repeats, -t repeats, --load/--push are
// shorthands for --output=type=docker / type=registry, --output type=oci,dest=FILE writes an OCI archive,
// --metadata-file writes the build result metadata, the context is the last positional argument.
describe('buildx argv (golden)', () => {
  it('pushes a variant for all its platforms in one build', () => {
    const [job] = buildPlan(sampleConfig(), { engine: 'buildx', output: 'push', variants: ['redis'] }).jobs;
    assert.deepEqual(job!.argv, [
      'docker',
      'buildx',
      'build',
      '--platform',
      'linux/amd64,linux/arm64',
      '-f',
      '/proj/Dockerfile',
      '--build-arg',
      'REDIS_VERSION=5.0.1',
      '--build-arg',
      'QUEUE_BACKEND=redis',
      '-t',
      'openhqm:v1-redis',
      '--push',
      '--metadata-file',
      '/proj/.multiarch/metadata/redis.json',
      '/proj',
    ]);
    assert.equal(job!.cwd, '/proj');
  });

  it('prefixes the registry when pushing', () => {
    const [job] = buildPlan(sampleConfig('registry: 127.0.0.1:5000\n'), {
      engine: 'buildx',
      output: 'push',
      variants: ['sqs'],
    }).jobs;
    assert.deepEqual(job!.tags, ['127.0.0.1:5000/openhqm:v1-sqs']);
    assert.ok(job!.argv.includes('127.0.0.1:5000/openhqm:v1-sqs'));
  });

  it('never loads a manifest list into the classic store: one --load job per platform with per-arch tags', () => {
    const jobs = buildPlan(sampleConfig(), { engine: 'buildx', output: 'load', variants: ['minimal'] }).jobs;
    assert.deepEqual(
      jobs.map((j) => j.id),
      ['minimal@linux/amd64', 'minimal@linux/arm64'],
    );
    assert.deepEqual(
      jobs.map((j) => j.tags),
      [['openhqm:v1-minimal-amd64'], ['openhqm:v1-minimal-arm64']],
    );
    for (const j of jobs) {
      assert.ok(j.argv.includes('--load'));
      assert.equal(j.argv[j.argv.indexOf('--platform') + 1]!.includes(','), false);
    }
    assert.deepEqual(jobs[1]!.platformTags, { 'linux/arm64': 'openhqm:v1-minimal-arm64' });
  });

  it('loads one multi-platform tag when the store holds manifest lists (containerd)', () => {
    const jobs = buildPlan(sampleConfig(), {
      engine: 'buildx',
      output: 'load',
      variants: ['minimal'],
      canLoadManifestList: true,
    }).jobs;
    assert.equal(jobs.length, 1);
    assert.deepEqual(jobs[0]!.argv.slice(3, 5), ['--platform', 'linux/amd64,linux/arm64']);
    assert.deepEqual(jobs[0]!.tags, ['openhqm:v1-minimal']);
  });

  it('loads a single-platform variant under its normal tag', () => {
    const [job] = buildPlan(sampleConfig(), { engine: 'buildx', output: 'load', variants: ['sqs'] }).jobs;
    assert.deepEqual(job!.tags, ['openhqm:v1-sqs']);
    assert.deepEqual(job!.platformTags, { 'linux/amd64': 'openhqm:v1-sqs' });
  });

  it('writes an OCI archive per variant', () => {
    const [job] = buildPlan(sampleConfig(), { engine: 'buildx', output: 'oci', variants: ['minimal'] }).jobs;
    const i = job!.argv.indexOf('--output');
    assert.equal(job!.argv[i + 1], 'type=oci,dest=/proj/.multiarch/out/minimal.tar.partial');
    assert.equal(job!.ociPath, '/proj/.multiarch/out/minimal.tar');
    assert.deepEqual(job!.staging, {
      discard: [],
      files: { '/proj/.multiarch/out/minimal.tar.partial': '/proj/.multiarch/out/minimal.tar' },
    });
  });

  it('one platform of a variant: a push keeps the other platforms in the index, an OCI build writes an archive of its own', () => {
    const [push] = buildPlan(sampleConfig(), {
      engine: 'buildx',
      output: 'push',
      variants: ['redis'],
      platforms: ['linux/arm64'],
    }).jobs;
    assert.deepEqual(push!.keepPlatforms, ['linux/amd64']);
    const [oci] = buildPlan(sampleConfig(), {
      engine: 'buildx',
      output: 'oci',
      variants: ['redis'],
      platforms: ['linux/arm64'],
    }).jobs;
    assert.equal(oci!.ociPath, '/proj/.multiarch/out/redis@arm64.tar');
    assert.ok(oci!.argv.includes('type=oci,dest=/proj/.multiarch/out/redis@arm64.tar.partial'), oci!.argv.join(' '));
    const [all] = buildPlan(sampleConfig(), { engine: 'buildx', output: 'push', variants: ['redis'] }).jobs;
    assert.equal(all!.keepPlatforms, undefined);
  });

  it('passes --target and --builder when configured', () => {
    const [job] = buildPlan(sampleConfig('target: runtime\n'), {
      engine: 'buildx',
      output: 'push',
      variants: ['sqs'],
      builder: 'multi',
    }).jobs;
    assert.deepEqual(job!.argv.slice(3, 5), ['--builder', 'multi']);
    const t = job!.argv.indexOf('--target');
    assert.equal(job!.argv[t + 1], 'runtime');
  });

  it('keeps hostile build-arg values as single inert argv elements', () => {
    const hostile = `$(touch pwned); echo "hi" 'there' \`id\``;
    const config = sampleConfig(`args: { EVIL: ${JSON.stringify(hostile)} }\n`);
    const [job] = buildPlan(config, { engine: 'buildx', output: 'push', variants: ['sqs'] }).jobs;
    assert.ok(job!.argv.includes(`EVIL=${hostile}`));
    assert.equal(job!.argv.filter((a) => a.includes('touch')).length, 1);
  });
});

describe('Build All with buildx: one bake over a generated bake file', () => {
  it('plans a single docker buildx bake job covering every cell', () => {
    const plan = buildPlan(sampleConfig(), { engine: 'buildx', output: 'oci', bake: true });
    assert.equal(plan.jobs.length, 1);
    const [job] = plan.jobs;
    assert.deepEqual(job!.argv, [
      'docker',
      'buildx',
      'bake',
      '-f',
      '/proj/.multiarch/docker-bake.json',
      '--metadata-file',
      '/proj/.multiarch/metadata/bake.json',
      'all',
    ]);
    assert.deepEqual(
      job!.cells!.map((c) => `${c.variant}@${c.platform}`),
      ['minimal@linux/amd64', 'minimal@linux/arm64', 'redis@linux/amd64', 'redis@linux/arm64', 'sqs@linux/amd64'],
    );
    const bake = JSON.parse(job!.files!['/proj/.multiarch/docker-bake.json']!) as {
      group: { all: { targets: string[] } };
      target: Record<string, { platforms: string[]; args: Record<string, string>; tags: string[] }>;
    };
    assert.deepEqual(bake.group.all.targets, ['minimal', 'redis', 'sqs']);
    assert.deepEqual(bake.target.redis!.platforms, ['linux/amd64', 'linux/arm64']);
    assert.equal(bake.target.redis!.args.QUEUE_BACKEND, 'redis');
    assert.deepEqual(job!.cellImages!['redis@linux/arm64'], 'openhqm:v1-redis');
    assert.deepEqual(job!.cellOciPaths!['redis@linux/arm64'], '/proj/.multiarch/out/redis.tar');
  });

  it('loads per-arch targets and records per-arch images when the store cannot hold manifest lists', () => {
    const [job] = buildPlan(sampleConfig(), { engine: 'buildx', output: 'load', bake: true }).jobs;
    const bake = JSON.parse(Object.values(job!.files!)[0]!) as { group: { all: { targets: string[] } } };
    assert.deepEqual(bake.group.all.targets, ['minimal-amd64', 'minimal-arm64', 'redis-amd64', 'redis-arm64', 'sqs']);
    assert.equal(job!.cellImages!['minimal@linux/arm64'], 'openhqm:v1-minimal-arm64');
    assert.equal(job!.cellImages!['sqs@linux/amd64'], 'openhqm:v1-sqs');
  });

  it('builds per variant when only some variants are asked for', () => {
    const plan = buildPlan(sampleConfig(), { engine: 'buildx', output: 'push', bake: true, variants: ['sqs'] });
    assert.deepEqual(plan.jobs[0]!.argv.slice(0, 3), ['docker', 'buildx', 'build']);
  });
});
