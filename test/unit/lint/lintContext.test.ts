import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { isDockerfileName } from '../../../src/core/config/fileNames';
import { countPlatforms, loadLintContext } from '../../../src/core/lint/lintContext';

describe('lint context from the files around a Dockerfile', () => {
  it('counts the widest platform list any variant of that Dockerfile builds', () => {
    const example = parse(
      readFileSync(join(__dirname, '../../../examples/queue-service/multiarch.yaml'), 'utf8'),
    ) as unknown;
    assert.equal(countPlatforms(example, 'Dockerfile'), 2);
    assert.equal(
      countPlatforms({
        platforms: ['linux/amd64'],
        variants: { a: { platforms: ['linux/amd64', 'linux/arm64', 'linux/riscv64'] } },
      }),
      3,
    );
    assert.equal(
      countPlatforms({ dockerfile: 'other/Containerfile', platforms: ['linux/amd64', 'linux/arm64'] }, 'Dockerfile'),
      undefined,
    );
    assert.equal(countPlatforms('not a config'), undefined);
  });

  it('loads the example project: two platforms, no .dockerignore', async () => {
    const ctx = await loadLintContext(join(__dirname, '../../../examples/queue-service/Dockerfile'));
    assert.equal(ctx.platformCount, 2);
  });

  it('recognises Dockerfile names', () => {
    for (const n of ['Dockerfile', 'Containerfile', 'Dockerfile.dev', 'api.Dockerfile', 'x.containerfile'])
      assert.ok(isDockerfileName(n), n);
    for (const n of ['Dockerfiles', 'docker-compose.yml', 'README.md', 'Dockerfile.dockerignore'])
      assert.ok(!isDockerfileName(n), n);
  });

  it('reads the platform count from .multiarch.yaml too (every config file name discovery accepts)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lintctx-'));
    await writeFile(join(dir, 'Dockerfile'), 'FROM scratch\n');
    await writeFile(join(dir, '.multiarch.yaml'), 'image: app\nplatforms: [linux/amd64, linux/arm64, linux/riscv64]\n');
    assert.equal((await loadLintContext(join(dir, 'Dockerfile'))).platformCount, 3);
  });
});
