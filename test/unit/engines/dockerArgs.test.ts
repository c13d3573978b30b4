import { strict as assert } from 'node:assert';
import { dockerJobs } from '../../../src/core/engines/dockerArgs';
import { stagingRef } from '../../../src/core/engines/staging';
import { appConfig, root } from './config';
import type { OutputMode } from '../../../src/core/jobs';

function jobsFor(output: OutputMode, extra = {}) {
  const config = appConfig(extra);
  const variant = config.variants.find((v) => v.name === 'minimal')!;
  return dockerJobs({ config, variant, platforms: variant.platforms, output });
}

const argv = (platform: string, name: string) => [
  'docker',
  'build',
  '--platform',
  platform,
  '--progress=plain',
  '-f',
  `${root}/Dockerfile`,
  '--build-arg',
  'QUEUE_BACKEND=minimal',
  '-t',
  name,
  root,
];

describe('docker (BuildKit without buildx) job builder', () => {
  it('load: one DOCKER_BUILDKIT=1 build per platform under its per-arch tag, which dockerd moves only when the build succeeded', () => {
    assert.deepEqual(jobsFor('load'), [
      {
        id: 'minimal@linux/amd64',
        engine: 'docker',
        variant: 'minimal',
        platforms: ['linux/amd64'],
        output: 'load',
        tags: ['multiarch-app:dev-minimal-amd64'],
        platformTags: { 'linux/amd64': 'multiarch-app:dev-minimal-amd64' },
        argv: argv('linux/amd64', 'multiarch-app:dev-minimal-amd64'),
        program: 'docker',
        dockerfile: `${root}/Dockerfile`,
        env: { DOCKER_BUILDKIT: '1' },
        cwd: root,
      },
      {
        id: 'minimal@linux/arm64',
        engine: 'docker',
        variant: 'minimal',
        platforms: ['linux/arm64'],
        output: 'load',
        tags: ['multiarch-app:dev-minimal-arm64'],
        platformTags: { 'linux/arm64': 'multiarch-app:dev-minimal-arm64' },
        argv: argv('linux/arm64', 'multiarch-app:dev-minimal-arm64'),
        program: 'docker',
        dockerfile: `${root}/Dockerfile`,
        env: { DOCKER_BUILDKIT: '1' },
        cwd: root,
      },
    ]);
  });

  it('oci: each platform image is saved to its own archive (no oci exporter in this BuildKit)', () => {
    const jobs = jobsFor('oci');
    assert.deepEqual(
      jobs.map((j) => [j.ociPath, j.after]),
      [
        [
          `${root}/.multiarch/out/minimal-amd64.tar`,
          [
            [
              'docker',
              'save',
              '-o',
              `${root}/.multiarch/out/minimal-amd64.tar.partial`,
              'multiarch-app:dev-minimal-amd64',
            ],
          ],
        ],
        [
          `${root}/.multiarch/out/minimal-arm64.tar`,
          [
            [
              'docker',
              'save',
              '-o',
              `${root}/.multiarch/out/minimal-arm64.tar.partial`,
              'multiarch-app:dev-minimal-arm64',
            ],
          ],
        ],
      ],
    );
  });

  it('push: per-arch tags under the registry, each pushed after its build, the temporary name kept until pushed', () => {
    const jobs = jobsFor('push', { registry: '127.0.0.1:5000' });
    assert.deepEqual(
      jobs.map((j) => j.tags[0]),
      ['127.0.0.1:5000/multiarch-app:dev-minimal-amd64', '127.0.0.1:5000/multiarch-app:dev-minimal-arm64'],
    );
    const tag = '127.0.0.1:5000/multiarch-app:dev-minimal-arm64';
    const temp = stagingRef(tag, ['linux/arm64']);
    assert.deepEqual(jobs[1]!.after, [
      ['docker', 'tag', temp, tag],
      ['docker', 'push', tag],
      ['docker', 'rmi', temp],
    ]);
    assert.deepEqual(jobs[1]!.staging, { discard: [['docker', 'rmi', temp]], restores: [tag] });
    assert.deepEqual(jobs[1]!.argv, argv('linux/arm64', temp));
  });

  it('uses the archTag template, arm/v7 as armv7', () => {
    const config = appConfig({ archTag: '{image}:{variant}-{platform}', platforms: ['linux/arm/v7'] });
    const [job] = dockerJobs({ config, variant: config.variants[0]!, platforms: ['linux/arm/v7'], output: 'load' });
    assert.deepEqual(job!.tags, ['multiarch-app:minimal-linux-arm-v7']);
  });
});
