import { strict as assert } from 'node:assert';
import { podmanJobs, tlsFlags } from '../../../src/core/engines/podmanArgs';
import type { OutputMode } from '../../../src/core/config/types';
import { appConfig, root } from './config';

function jobsFor(output: OutputMode, extra = {}) {
  const config = appConfig(extra);
  const variant = config.variants.find((v) => v.name === 'redis')!;
  return podmanJobs({ config, variant, platforms: variant.platforms, output });
}

const build = [
  'podman', 'build',
  '--platform', 'linux/amd64,linux/arm64',
  '--manifest', 'multiarch-app:dev-redis',
  '-f', `${root}/Dockerfile`,
  '--build-arg', 'REDIS_URL=redis://cache:6379',
  '--build-arg', 'QUEUE_BACKEND=redis',
  root,
];

describe('podman job builder', () => {
  it('load: one job per variant, every platform in one --manifest build, old list removed first', () => {
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
      before: [['podman', 'manifest', 'rm', 'multiarch-app:dev-redis']],
    });
  });

  it('oci: the manifest list is exported with manifest push --all to an oci-archive', () => {
    const [job] = jobsFor('oci');
    assert.deepEqual(job!.argv, build);
    assert.equal(job!.ociPath, `${root}/.multiarch/out/redis.tar`);
    assert.deepEqual(job!.after, [
      ['podman', 'manifest', 'push', '--all', 'multiarch-app:dev-redis', `oci-archive:${root}/.multiarch/out/redis.tar`],
    ]);
  });

  it('push: tags carry the registry; each tag is pushed with manifest push --all, loopback without TLS', () => {
    const [job] = jobsFor('push', { registry: '127.0.0.1:5000', tags: ['{image}:{tag}-{variant}', '{image}:{variant}'] });
    assert.deepEqual(job!.tags, ['127.0.0.1:5000/multiarch-app:dev-redis', '127.0.0.1:5000/multiarch-app:redis']);
    assert.equal(job!.argv[job!.argv.indexOf('--manifest') + 1], '127.0.0.1:5000/multiarch-app:dev-redis');
    assert.deepEqual(job!.after, [
      ['podman', 'manifest', 'push', '--all', '--tls-verify=false', '127.0.0.1:5000/multiarch-app:dev-redis', 'docker://127.0.0.1:5000/multiarch-app:dev-redis'],
      ['podman', 'manifest', 'push', '--all', '--tls-verify=false', '127.0.0.1:5000/multiarch-app:dev-redis', 'docker://127.0.0.1:5000/multiarch-app:redis'],
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
    assert.deepEqual(job!.argv.slice(2, 8), ['--platform', 'linux/arm64', '--manifest', 'multiarch-app:dev-minimal', '-f', `${root}/Dockerfile`]);
    assert.deepEqual(job!.argv.slice(8, 10), ['--target', 'runtime']);
  });
});
