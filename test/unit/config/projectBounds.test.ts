import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as planCli } from '../../../src/cli/commands/plan';
import { run as buildCli } from '../../../src/cli/commands/build';
import type { CliCommand } from '../../../src/cli/io';
import { runCli } from '../helpers/cliIO';
import { loadConfig } from '../../../src/core/config/loadConfig';

const cli = (run: CliCommand, args: string[], cwd: string) =>
  // No engine programs: a build that got past the pre-flight would fail with exit 3, never run anything.
  runCli(run, { args, cwd, env: { MULTIARCH_DOCKER: '/nonexistent/docker', MULTIARCH_PODMAN: '/nonexistent/podman' } });

describe('a config cannot reach outside its project', () => {
  let dir: string;
  let project: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bounds-'));
    project = join(dir, 'p');
    await mkdir(join(dir, 'o'), { recursive: true });
    await mkdir(project);
    await writeFile(join(dir, 'o', 'D'), 'FROM scratch\nCOPY secret.txt /s\n');
    await writeFile(join(dir, 'o', 'secret.txt'), 'secret\n');
    await writeFile(join(project, 'Dockerfile'), 'FROM scratch\n');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('plan and build refuse context ../o and dockerfile ../o/D with located errors, before any engine runs', async () => {
    await writeFile(join(project, 'multiarch.yaml'), 'image: app\ncontext: ../o\ndockerfile: ../o/D\n');
    const file = join(project, 'multiarch.yaml');
    for (const run of [planCli, buildCli]) {
      const r = await cli(run, ['--engine', 'podman'], project);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, new RegExp(`^${file}:2:10: error: context ${join(dir, 'o')} is outside the project`, 'm'));
      assert.match(r.err, new RegExp(`^${file}:3:13: error: dockerfile ${join(dir, 'o', 'D')} is outside`, 'm'));
      assert.match(r.err, /--allow-outside-project/);
      assert.equal(r.out, '');
    }
  });

  it('refuses an absolute context, a variant Dockerfile, and a symlink inside the project that points out', async () => {
    await symlink(join(dir, 'o'), join(project, 'link'));
    await writeFile(
      join(project, 'multiarch.yaml'),
      'context: link\nvariants:\n  a: {}\n  b:\n    dockerfile: /etc/passwd\n',
    );
    const r = await loadConfig(join(project, 'multiarch.yaml'));
    assert.ok(r.ok);
    assert.deepEqual(
      r.config.outside?.map((o) => [o.pointer.join('/'), o.path, o.line]),
      [
        ['context', join(dir, 'o'), 1],
        ['variants/b/dockerfile', '/etc/passwd', 5],
      ],
    );
    const planned = await cli(planCli, ['--engine', 'podman'], project);
    assert.equal(planned.code, 2);
  });

  it('--allow-outside-project lets the user opt in', async () => {
    await writeFile(join(project, 'multiarch.yaml'), 'image: app\ncontext: ../o\ndockerfile: ../o/D\n');
    const r = await cli(planCli, ['--engine', 'podman', '--allow-outside-project'], project);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`-f ${join(dir, 'o', 'D')}`));
  });

  it('allows paths anywhere inside the repository that holds the config', async () => {
    await mkdir(join(dir, '.git'));
    await writeFile(join(project, 'multiarch.yaml'), 'image: app\ncontext: ../o\ndockerfile: ../o/D\n');
    const r = await loadConfig(join(project, 'multiarch.yaml'));
    assert.ok(r.ok);
    assert.equal(r.config.outside, undefined);
    assert.equal((await cli(planCli, ['--engine', 'podman'], project)).code, 0);
  });
});
