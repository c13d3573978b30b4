import { strict as assert } from 'node:assert';
import { podmanJobs, tlsFlags } from '../../../src/core/engines/podmanArgs';
import { stagingRef } from '../../../src/core/engines/staging';
import { appConfig, root } from './config';
import type { OutputMode } from '../../../src/core/jobs';

function jobsFor(output: OutputMode, extra = {}) {
  const config = appConfig(extra);
  const variant = config.variants.find((v) => v.name === 'redis')!;
  return podmanJobs({ config, variant, platforms: variant.platforms, output });
}

const temp = stagingRef('multiarch-app:dev-redis', ['linux/amd64', 'linux/arm64']);

const build = [
  'podman',
  'build',
  '--platform',
  'linux/amd64,linux/arm64',
  '--manifest',
  temp,
  '-f',
  `${root}/Dockerfile`,
  '--build-arg',
  'REDIS_URL=redis://cache:6379',
  '--build-arg',
  'QUEUE_BACKEND=redis',
  '--build-arg',
  `MULTIARCH_BUILD=${temp}`,
  '--build-arg',
  'MULTIARCH_BUILD_OWNER',
  root,
];

describe('podman job builder', () => {
  it('load: builds into a temporary manifest list; the tag moves onto it only after a successful build', () => {
    assert.match(temp, /^multiarch-app:multiarch-tmp-[0-9a-f]{12}$/);
    const jobs = jobsFor('load');
    assert.equal(jobs.length, 1);
    assert.deepEqual(jobs[0], {
      id: 'redis',
      engine: 'podman',
      variant: 'redis',
      platforms: ['linux/amd64', 'linux/arm64'],
      output: 'load',
      tags: ['multiarch-app:dev-redis'],
      argv: build,
      program: 'podman',
      dockerfile: `${root}/Dockerfile`,
      cwd: root,
      before: [['podman', 'manifest', 'rm', temp]],
      after: [
        ['podman', 'tag', temp, 'multiarch-app:dev-redis'],
        ['podman', 'manifest', 'rm', temp],
      ],
      staging: { discard: [['podman', 'manifest', 'rm', temp]], marker: temp, replaces: ['multiarch-app:dev-redis'] },
    });
  });

  it('oci: the temporary list is exported to a partial archive, renamed into place on success', () => {
    const [job] = jobsFor('oci');
    const dest = `${root}/.multiarch/out/redis.tar`;
    assert.deepEqual(job!.argv, build);
    assert.equal(job!.ociPath, dest);
    assert.deepEqual(job!.after, [
      ['podman', 'manifest', 'push', '--all', temp, `oci-archive:${dest}.partial`],
      ['podman', 'tag', temp, 'multiarch-app:dev-redis'],
      ['podman', 'manifest', 'rm', temp],
    ]);
    assert.deepEqual(job!.staging!.files, { [`${dest}.partial`]: dest });
  });

  it('push: tags carry the registry; each tag is pushed from the temporary list, loopback without TLS', () => {
    const [job] = jobsFor('push', {
      registry: '127.0.0.1:5000',
      tags: ['{image}:{tag}-{variant}', '{image}:{variant}'],
    });
    const pushTemp = stagingRef('127.0.0.1:5000/multiarch-app:dev-redis', ['linux/amd64', 'linux/arm64']);
    assert.match(pushTemp, /^127\.0\.0\.1:5000\/multiarch-app:multiarch-tmp-/);
    assert.deepEqual(job!.tags, ['127.0.0.1:5000/multiarch-app:dev-redis', '127.0.0.1:5000/multiarch-app:redis']);
    assert.equal(job!.argv[job!.argv.indexOf('--manifest') + 1], pushTemp);
    assert.deepEqual(job!.after, [
      [
        'podman',
        'manifest',
        'push',
        '--all',
        '--tls-verify=false',
        pushTemp,
        'docker://127.0.0.1:5000/multiarch-app:dev-redis',
      ],
      [
        'podman',
        'manifest',
        'push',
        '--all',
        '--tls-verify=false',
        pushTemp,
        'docker://127.0.0.1:5000/multiarch-app:redis',
      ],
      ['podman', 'tag', pushTemp, '127.0.0.1:5000/multiarch-app:dev-redis', '127.0.0.1:5000/multiarch-app:redis'],
      ['podman', 'manifest', 'rm', pushTemp],
    ]);
  });

  it('keeps TLS verification for real registries', () => {
    assert.deepEqual(tlsFlags('ghcr.io/acme/app:1'), []);
    assert.deepEqual(tlsFlags('localhost:5000/app:1'), ['--tls-verify=false']);
    assert.deepEqual(tlsFlags('app:1'), []);
  });

  it('passes --target and a platform subset', () => {
    const config = appConfig({ target: 'runtime' });
    const variant = config.variants[0]!;
    const [job] = podmanJobs({ config, variant, platforms: ['linux/arm64'], output: 'load' });
    assert.deepEqual(job!.platforms, ['linux/arm64']);
    assert.deepEqual(job!.argv.slice(2, 8), [
      '--platform',
      'linux/arm64',
      '--manifest',
      stagingRef('multiarch-app:dev-minimal', ['linux/arm64']),
      '-f',
      `${root}/Dockerfile`,
    ]);
    assert.deepEqual(job!.argv.slice(8, 10), ['--target', 'runtime']);
  });

  it('temporary names stay in the user repository, differ per platform set, and survive a registry port', () => {
    assert.match(
      stagingRef('127.0.0.1:5000/team/app:1.0', ['linux/amd64']),
      /^127\.0\.0\.1:5000\/team\/app:multiarch-tmp-[0-9a-f]{12}$/,
    );
    assert.notEqual(stagingRef('app:1', ['linux/amd64']), stagingRef('app:1', ['linux/arm64']));
    assert.equal(stagingRef('app:1', ['linux/amd64']), stagingRef('app:1', ['linux/amd64']));
  });
});
