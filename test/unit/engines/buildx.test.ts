import { strict as assert } from 'node:assert';
import { bakeArgv, bakeFile } from '../../../src/core/engines/buildxBake';
import {
  appendNodeArgv,
  createBuilderArgv,
  inspectBuilderArgv,
  installBinfmtArgv,
  useBuilderArgv,
} from '../../../src/core/engines/buildxBuilders';
import { appConfig, root } from './config';

describe('buildx builder management argv (buildx create/use/inspect reference)', () => {
  it('creates a docker-container builder and makes it current', () => {
    assert.deepEqual(createBuilderArgv({ name: 'multiarch' }), [
      'docker',
      'buildx',
      'create',
      '--name',
      'multiarch',
      '--driver',
      'docker-container',
      '--use',
    ]);
    assert.deepEqual(
      createBuilderArgv({
        name: 'b',
        platforms: ['linux/amd64'],
        driverOpts: { network: 'host' },
        use: false,
        bootstrap: true,
        endpoint: 'unix:///var/run/docker.sock',
      }),
      [
        'docker',
        'buildx',
        'create',
        '--name',
        'b',
        '--driver',
        'docker-container',
        '--driver-opt',
        'network=host',
        '--platform',
        'linux/amd64',
        '--bootstrap',
        'unix:///var/run/docker.sock',
      ],
    );
  });

  it('appends a remote arm64 node over ssh', () => {
    assert.deepEqual(
      appendNodeArgv({
        builder: 'multiarch',
        node: 'graviton',
        platforms: ['linux/arm64'],
        endpoint: 'ssh://ubuntu@10.0.0.5',
      }),
      [
        'docker',
        'buildx',
        'create',
        '--append',
        '--name',
        'multiarch',
        '--node',
        'graviton',
        '--platform',
        'linux/arm64',
        'ssh://ubuntu@10.0.0.5',
      ],
    );
    assert.throws(
      () => appendNodeArgv({ builder: 'b', node: 'n', platforms: ['linux/arm64'], endpoint: 'ubuntu@host; rm -rf /' }),
      /ssh:\/\/user@host/,
    );
  });

  it('uses, inspects with bootstrap, installs binfmt', () => {
    assert.deepEqual(useBuilderArgv('multiarch'), ['docker', 'buildx', 'use', 'multiarch']);
    assert.deepEqual(inspectBuilderArgv('multiarch'), ['docker', 'buildx', 'inspect', '--bootstrap', 'multiarch']);
    assert.deepEqual(inspectBuilderArgv(), ['docker', 'buildx', 'inspect', '--bootstrap']);
    assert.deepEqual(installBinfmtArgv(), [
      'docker',
      'run',
      '--privileged',
      '--rm',
      'tonistiigi/binfmt',
      '--install',
      'all',
    ]);
  });
});

describe('bake file', () => {
  it('has one target per variant and a group all (push)', () => {
    const config = appConfig({ registry: '127.0.0.1:5000' });
    const file = bakeFile(config, config.variants, { output: 'push' });
    assert.deepEqual(file.group, { all: { targets: ['minimal', 'redis'] } });
    assert.deepEqual(file.target.redis, {
      context: root,
      dockerfile: `${root}/Dockerfile`,
      platforms: ['linux/amd64', 'linux/arm64'],
      args: { REDIS_URL: 'redis://cache:6379', QUEUE_BACKEND: 'redis' },
      tags: ['127.0.0.1:5000/multiarch-app:dev-redis'],
      output: ['type=registry'],
    });
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(file)));
  });

  it('oci: one archive per variant', () => {
    const config = appConfig();
    assert.deepEqual(bakeFile(config, config.variants, { output: 'oci' }).target.minimal!.output, [
      `type=oci,dest=${root}/.multiarch/out/minimal.tar.partial`,
    ]);
  });

  it('load into the classic store: one target per platform under per-arch tags', () => {
    const config = appConfig();
    const file = bakeFile(config, config.variants, { output: 'load' });
    assert.deepEqual(file.group.all!.targets, ['minimal-amd64', 'minimal-arm64', 'redis-amd64', 'redis-arm64']);
    assert.deepEqual(file.target['redis-arm64']!.tags, ['multiarch-app:dev-redis-arm64']);
    assert.deepEqual(file.target['redis-arm64']!.platforms, ['linux/arm64']);
    const containerd = bakeFile(config, config.variants, { output: 'load', canLoadManifestList: true });
    assert.deepEqual(containerd.group.all!.targets, ['minimal', 'redis']);
  });

  it('bake argv points at the file under .multiarch and captures metadata', () => {
    assert.deepEqual(bakeArgv(root), [
      'docker',
      'buildx',
      'bake',
      '-f',
      `${root}/.multiarch/docker-bake.json`,
      '--metadata-file',
      `${root}/.multiarch/metadata/bake.json`,
      'all',
    ]);
  });
});
