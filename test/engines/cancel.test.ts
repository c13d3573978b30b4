import { strict as assert } from 'node:assert';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedConfig } from '../../src/core/config/types';
import { projectWorkspace } from './helpers';
import { startBuild } from './startBuild';
import { descendants, signal } from '../../src/core/build/processTree';
import { privateStore, type PrivateStore } from './privateStore';

/** The shared-base project with a RUN that sleeps under QEMU (arm64 only) while `slow` is non-empty. */
async function slowProject(): Promise<ResolvedConfig> {
  const config = await projectWorkspace('shared-base');
  const dockerfile = join(config.root, 'Dockerfile');
  const text = await readFile(dockerfile, 'utf8');
  await writeFile(
    dockerfile,
    text.replace(
      /^CMD /m,
      'COPY slow /slow\nRUN echo "slow-step-$(uname -m)" && if [ -s /slow ] && [ "$(uname -m)" = aarch64 ]; then sleep 60; fi\nCMD ',
    ),
  );
  await writeFile(join(config.root, 'slow'), 'yes\n');
  return config;
}

async function storeState(store: PrivateStore) {
  const images = await store.podman(['images']);
  const ps = await store.podman(['ps', '--external', '--all', '--quiet']);
  assert.equal(ps.ok, true, ps.stderr);
  return { imagesOk: images.ok, imagesError: images.stderr, containers: ps.stdout.split('\n').filter(Boolean) };
}

const build = ['--variant', 'minimal', '--engine', 'podman'];
/** Another variant (another job, other cells, another marker), amd64 only so the slow step does not run. */
const otherJob = ['--variant', 'redis', '--platform', 'linux/amd64', '--engine', 'podman'];

/** Runs `test` on the slow project in a podman store of its own, removed afterwards. */
async function inSlowProject(test: (config: ResolvedConfig, store: PrivateStore) => Promise<void>): Promise<void> {
  const config = await slowProject();
  const store = await privateStore();
  try {
    await test(config, store);
  } finally {
    await store.dispose();
  }
}

/** Waits for a started build to end and checks its exit code, showing the end of its output otherwise. */
async function exits(run: Awaited<ReturnType<typeof startBuild>>, code: number): Promise<void> {
  assert.equal((await run.child).exitCode, code, run.output().slice(-2000));
}

/**
 * What a closed terminal or an OOM kill does mid-build: the CLI and every engine process it started die at
 * once, in the QEMU RUN, and no clean-up runs. Checks the kill left working containers to clean up.
 */
async function killMidBuild(config: ResolvedConfig, store: PrivateStore): Promise<void> {
  const run = await startBuild(config.root, store.env, build);
  await run.until(/slow-step-aarch64/);
  const pids = [run.child.pid!, ...descendants(run.child.pid!)];
  for (const pid of pids) signal(pid, 'SIGKILL');
  await run.child;
  for (let i = 0; i < 50 && pids.some((p) => signal(p, 0)); i++) await new Promise((r) => setTimeout(r, 100));
  const left = await storeState(store);
  assert.notDeepEqual(left.containers, [], 'the kill left no working container: nothing to test');
}

/** Where Ctrl+C lands: podman pulling the base, a RUN under QEMU, podman committing the images and the list. */
const points: { name: string; marker: RegExp }[] = [
  // The runner pulls each base once before the builds fan out (a `pull:` job).
  { name: 'during the pull of the base', marker: /\[pull:[^\]]+\] \$ \S+ pull / },
  { name: 'during a RUN under QEMU', marker: /slow-step-aarch64/ },
  { name: 'during commit and manifest creation', marker: /COMMIT|Writing manifest|Storing signatures/ },
];

describe('Ctrl+C never leaves the podman store broken (CLI, real podman, a store of its own)', function () {
  this.timeout(1_800_000);

  it('10 cancels in a row at the pull, a QEMU RUN or the commit: exit 1, podman images works, no working container left, the next build succeeds', async () => {
    const config = await slowProject();
    for (let i = 0; i < 10; i++) {
      const point = points[i % points.length]!;
      // A fresh store each time, so the base is pulled (cold) and the store holds only this run.
      const store = await privateStore();
      try {
        // For the commit point the slow step is off, so the build reaches its commit quickly.
        await writeFile(join(config.root, 'slow'), point.name.includes('QEMU') ? 'yes\n' : '');
        const run = await startBuild(config.root, store.env, build);
        await run.until(point.marker);
        run.child.kill('SIGINT');
        const r = await run.child;
        const after = await storeState(store);
        const where = `cancel ${i + 1} ${point.name}`;
        // The build may have finished just before the signal at the commit point; it must not break anything either.
        if (!/succeeded\s*$/m.test(run.output()) || r.exitCode !== 0)
          assert.equal(r.exitCode, 1, `${where}: exit code\n${run.output().slice(-2000)}`);
        assert.ok(after.imagesOk, `${where}: podman images failed: ${after.imagesError}`);
        assert.deepEqual(after.containers, [], `${where}: working containers left behind`);

        await writeFile(join(config.root, 'slow'), '');
        const rebuild = await startBuild(config.root, store.env, build);
        assert.equal(
          (await rebuild.child).exitCode,
          0,
          `${where}: the rebuild failed\n${rebuild.output().slice(-2000)}`,
        );
        const listed = await store.podman(['images']);
        assert.ok(listed.ok, `${where}: podman images failed after the rebuild: ${listed.stderr}`);
      } finally {
        await store.dispose();
      }
    }
  });

  it('kill -9 of the CLI and its engine processes mid-build: the next build removes the working containers it left', () =>
    inSlowProject(async (config, store) => {
      await killMidBuild(config, store);
      await writeFile(join(config.root, 'slow'), '');
      const rebuild = await startBuild(config.root, store.env, build);
      await exits(rebuild, 0);
      assert.match(
        rebuild.output(),
        /removed \d+ working container\(s\) an interrupted earlier build of this job left behind/,
      );
      assert.deepEqual((await storeState(store)).containers, [], 'working containers survived the next build');
    }));

  it("kill -9 of one job's build: another job's build removes its working containers (the owner process is gone)", () =>
    inSlowProject(async (config, store) => {
      await killMidBuild(config, store);
      const other = await startBuild(config.root, store.env, otherJob);
      await exits(other, 0);
      assert.match(other.output(), /removed \d+ working container\(s\) that killed builds of other jobs left behind/);
      assert.deepEqual((await storeState(store)).containers, [], "the killed build's working containers survived");
    }));

  it("a live build's working containers survive another job's build; its own cancel removes them", () =>
    inSlowProject(async (config, store) => {
      const live = await startBuild(config.root, store.env, build);
      await live.until(/slow-step-aarch64/);
      const during = (await storeState(store)).containers;
      assert.notDeepEqual(during, [], 'the live build has no working container: nothing to test');

      const other = await startBuild(config.root, store.env, otherJob);
      await exits(other, 0);
      assert.doesNotMatch(other.output(), /removed \d+ working container/);
      assert.equal(live.child.exitCode, null, 'the live build ended before the check');
      const after = (await storeState(store)).containers;
      assert.deepEqual(
        during.filter((id) => !after.includes(id)),
        [],
        "another job's build removed a live build's working containers",
      );

      live.child.kill('SIGINT');
      await exits(live, 1);
      assert.deepEqual((await storeState(store)).containers, [], 'the cancelled build left working containers');
    }));

  it('two CLI builds of one cell at once: the second is refused naming the first one pid; the results file stays complete', () =>
    inSlowProject(async (config, store) => {
      const first = await startBuild(config.root, store.env, build);
      await first.until(/slow-step-aarch64/);
      const second = await startBuild(config.root, store.env, build);
      await exits(second, 1);
      assert.match(
        second.output(),
        new RegExp(`minimal on linux/amd64 is already being built \\(pid ${first.child.pid}\\)`),
      );
      await writeFile(join(config.root, 'slow'), '');
      first.child.kill('SIGINT');
      await exits(first, 1);
      const results = JSON.parse(await readFile(join(config.root, '.multiarch', 'results.json'), 'utf8'));
      assert.deepEqual(Object.keys(results.cells).sort(), ['minimal@linux/amd64', 'minimal@linux/arm64']);
      assert.deepEqual(
        Object.values(results.cells).map((h) => (h as { status: string }[]).map((x) => x.status)),
        [['cancelled'], ['cancelled']],
      );
      await exits(await startBuild(config.root, store.env, build), 0);
    }));
});
