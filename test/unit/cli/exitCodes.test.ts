import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as buildCli } from '../../../src/cli/commands/build';
import { runCli } from '../helpers/cliIO';

/**
 * Exit 3 when this machine has no engine to build with (the engine programs do not exist, so a build that got
 * past the pre-flight could not run anything either). The other exit-3 causes need an engine that answers:
 * test/engines/cli.test.ts.
 */
const build = (cwd: string, args: string[]) =>
  runCli(buildCli, {
    args,
    cwd,
    env: { MULTIARCH_DOCKER: '/nonexistent/docker', MULTIARCH_PODMAN: '/nonexistent/podman', PATH: '/nonexistent' },
  });

describe('multiarch build exit 3: no engine', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'exit3-'));
    await writeFile(join(dir, 'Dockerfile'), 'FROM scratch\n');
    await writeFile(join(dir, 'multiarch.yaml'), 'image: app\nplatforms: [linux/amd64]\nvariants:\n  a:\n');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('no usable engine: exit 3 saying so', async () => {
    const r = await build(dir, []);
    assert.equal(r.code, 3, r.err);
    assert.match(r.err, /multiarch build: .*Install Docker with the buildx plugin, or podman/);
    assert.doesNotMatch(r.out, /\$ /, 'a command ran');
  });
});
