import { strict as assert } from 'node:assert';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildPlan } from '../../src/core/matrix/plan';
import { env, fixtureWorkspace, removeBuiltImages } from './helpers';
import { startBuild } from './startBuild';

/** `multiarch build`, to its end. */
async function multiarch(cwd: string, args: string[]) {
  return (await startBuild(cwd, env, args)).child;
}

/** One cell, built by podman: the CLI's flags for it. */
const minimalAmd64OnPodman = ['--variant', 'minimal', '--platform', 'linux/amd64', '--engine', 'podman'];

describe('multiarch build (CLI, real podman)', function () {
  this.timeout(240_000);
  const built: string[] = [];
  after(() => removeBuiltImages('podman', 'podman', built));

  it('builds a variant for both platforms, prints the summary table and records the results', async () => {
    const config = await fixtureWorkspace();
    built.push(...buildPlan(config, { engine: 'podman', variants: ['redis'] }).jobs.flatMap((j) => j.tags));
    const r = await multiarch(config.root, ['--variant', 'redis', '--engine', 'podman']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /engine: podman 4\.\S+ \(multiarch.engine is set to "podman"\)/);
    assert.match(r.stdout, /\[linux\/arm64\] STEP 5\/6: RUN/);
    assert.match(
      r.stdout,
      /VARIANT\s+PLATFORM\s+STATUS\s+SECONDS\nredis\s+linux\/amd64\s+succeeded\s+\d+\.\d\nredis\s+linux\/arm64\s+succeeded\s+\d+\.\d$/,
    );
    const results = JSON.parse(await readFile(join(config.root, '.multiarch', 'results.json'), 'utf8'));
    assert.equal(results.cells['redis@linux/arm64'][0].status, 'succeeded');
    assert.equal(results.cells['redis@linux/arm64'][0].emulated, true);

    // Again with nothing changed: not built, shown as up to date, nothing added to the history; --rebuild builds.
    const again = await multiarch(config.root, ['--variant', 'redis', '--engine', 'podman']);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.doesNotMatch(again.stdout, /STEP \d+\/\d+/);
    assert.match(again.stdout, /redis \(linux\/amd64, linux\/arm64\): up to date: nothing it reads changed/);
    assert.match(
      again.stdout,
      /redis\s+linux\/amd64\s+up to date\s+\d+\.\d\nredis\s+linux\/arm64\s+up to date\s+\d+\.\d$/,
    );
    const kept = JSON.parse(await readFile(join(config.root, '.multiarch', 'results.json'), 'utf8'));
    assert.deepEqual(kept, results);
    const rebuilt = await multiarch(config.root, ['--variant', 'redis', '--engine', 'podman', '--rebuild']);
    assert.equal(rebuilt.exitCode, 0, rebuilt.stderr);
    assert.match(rebuilt.stdout, /\[linux\/arm64\] STEP 5\/6: RUN/);
    assert.match(rebuilt.stdout, /redis\s+linux\/arm64\s+succeeded/);
  });

  it('--json prints the records on stdout; a failing build exits 1 naming the Dockerfile line', async () => {
    const config = await fixtureWorkspace();
    await writeFile(
      join(config.root, 'Dockerfile'),
      'FROM scratch\nARG TARGETARCH\nCOPY rootfs-${TARGETARCH}/ /\nRUN exit 5\n',
    );
    const r = await multiarch(config.root, [...minimalAmd64OnPodman, '--json']);
    assert.equal(r.exitCode, 1);
    const out = JSON.parse(r.stdout);
    assert.equal(out.ok, false);
    assert.deepEqual(
      out.records.map((x: { status: string }) => x.status),
      ['failed'],
    );
    assert.equal(out.problems[0].line, 4);
    assert.match(r.stderr, /STEP 4\/4: RUN exit 5/);
  });

  it('rejects bad usage with exit 2 and says what to do', async () => {
    const config = await fixtureWorkspace();
    const push = await multiarch(config.root, ['--push']);
    assert.equal(push.exitCode, 2);
    assert.match(push.stderr, /pushing \S+ needs a registry: set "registry:"/);
    const unknown = await multiarch(config.root, ['--variant', 'nope']);
    assert.equal(unknown.exitCode, 2);
    assert.match(unknown.stderr, /unknown variant "nope"/);
  });

  it('a build whose results could not be recorded after it ran (results.json became a folder) says so and exits 1', async () => {
    const config = await fixtureWorkspace();
    try {
      await writeFile(
        join(config.root, 'Dockerfile'),
        'FROM scratch\nARG TARGETARCH\nCOPY rootfs-${TARGETARCH}/ /\nRUN sleep 2\n',
      );
      built.push(
        ...buildPlan(config, { engine: 'podman', variants: ['minimal'], platforms: ['linux/amd64'] }).jobs.flatMap(
          (j) => j.tags,
        ),
      );
      const { child: run } = await startBuild(config.root, env, minimalAmd64OnPodman);
      // Past the pre-flight's check of .multiarch/: the engine runs the build's last step.
      await new Promise<void>((resolve, reject) => {
        let seen = '';
        run.stdout.on('data', (d: Buffer) => {
          if ((seen += d.toString()).includes('STEP 4/4')) resolve();
        });
        void run.then(() => reject(new Error(`the build ended before its last step:\n${seen}`)));
      });
      await mkdir(join(config.root, '.multiarch', 'results.json'), { recursive: true });
      const r = await run;
      assert.equal(r.exitCode, 1, r.stderr);
      assert.match(r.stdout, /minimal\s+linux\/amd64\s+succeeded/);
      assert.match(
        r.stderr,
        /multiarch build: the results were not recorded: cannot read \S+\/\.multiarch\/results\.json: EISDIR.*it is a folder/,
      );
    } finally {
      await rm(config.root, { recursive: true, force: true });
    }
  });

  it('exit 3 before any build runs: a .multiarch/ the results cannot be written to, a push registry that does not answer', async () => {
    const config = await fixtureWorkspace();
    // results.json as a folder cannot be written by root either (a read-only mode could).
    await mkdir(join(config.root, '.multiarch', 'results.json'), { recursive: true });
    const unwritable = await multiarch(config.root, ['--variant', 'minimal', '--engine', 'podman']);
    assert.equal(unwritable.exitCode, 3, unwritable.stderr);
    assert.match(
      unwritable.stderr,
      /the build could not record its results: .*\.multiarch\/results\.json.*it is a folder/,
    );
    assert.doesNotMatch(unwritable.stdout, /\$ /, 'a build command ran');
    assert.deepEqual(await readdir(join(config.root, '.multiarch')), ['results.json'], 'the check left a file');
    await rm(join(config.root, '.multiarch'), { recursive: true });

    await writeFile(
      join(config.root, 'multiarch.yaml'),
      `${await readFile(join(config.root, 'multiarch.yaml'), 'utf8')}registry: 127.0.0.1:9\n`,
    );
    const down = await multiarch(config.root, ['--variant', 'minimal', '--engine', 'podman', '--push']);
    assert.equal(down.exitCode, 3, down.stderr);
    assert.match(down.stderr, /registry 127\.0\.0\.1:9 is unreachable/);
    assert.doesNotMatch(down.stdout, /\$ /, 'a build command ran');
  });
});
