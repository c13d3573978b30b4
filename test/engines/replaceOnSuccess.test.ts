import { strict as assert } from 'node:assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildRunner } from '../../src/core/build/runner';
import { programsFromEnv } from '../../src/core/engines/detect';
import { runTool } from '../../src/core/engines/exec';
import { stagingRef } from '../../src/core/engines/staging';
import { buildPlan } from '../../src/core/matrix/plan';
import type { Plan } from '../../src/core/jobs';
import type { ResolvedConfig } from '../../src/core/config/types';
import { baseImage, docker, env, projectWorkspace, tool } from './helpers';
import { privateStore, type PrivateStore } from './privateStore';
import { failingRegistry } from './failingRegistry';
import { loadRegistryHosts } from '../../src/core/registry';

const runner = (runEnv = env) => new BuildRunner({ programs: programsFromEnv(runEnv), env: runEnv, concurrency: 2 });
const failing = (text: string) => `${text}RUN echo this rebuild fails && exit 7\n`;
const exists = async (argv: string[]) => (await runTool(argv, { env, timeoutMs: 60_000 })).ok;

/** What the user has under a podman tag: the list's id and its exact manifest (instance digests). */
async function podmanImage(store: PrivateStore, tag: string) {
  const ok = async (argv: string[]) => {
    const r = await store.podman(argv);
    assert.ok(r.ok, `podman ${argv.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const rows = JSON.parse(await ok(['images', '--no-trunc', '--format', 'json', tag])) as { Id: string }[];
  return { id: rows[0]?.Id, manifest: await ok(['manifest', 'inspect', tag]) };
}

async function dockerImage(tag: string) {
  return (await tool([docker, 'image', 'inspect', '--format', '{{.Id}} {{json .RepoTags}}', tag])).stdout.trim();
}

async function build(config: ResolvedConfig, plan: Plan, runEnv = env) {
  return runner(runEnv).run(plan, { config });
}

describe('a failed rebuild keeps the last good image (real engines)', function () {
  this.timeout(300_000);
  // What each test made, undone when the suite ends whether or not the test passed.
  const cleanup: Array<() => Promise<unknown>> = [];
  after(async () => {
    for (const undo of cleanup.reverse()) await undo();
  });

  it('podman: a failing RUN and a missing Dockerfile leave the manifest list, its digests and its tag unchanged', async () => {
    const store = await privateStore();
    cleanup.push(() => store.dispose());
    const config = await projectWorkspace('shared-base');
    const plan = () => buildPlan(config, { engine: 'podman', variants: ['minimal'] });
    const first = await build(config, plan(), store.env);
    assert.equal(first.ok, true, JSON.stringify(first.outcomes.map((o) => o.problem)));
    const tag = plan().jobs[0]!.tags[0]!;
    const temp = stagingRef(tag, ['linux/amd64', 'linux/arm64']);
    const before = await podmanImage(store, tag);
    assert.ok(before.id);
    assert.equal(
      (await store.podman(['image', 'exists', temp])).ok,
      false,
      'the temporary list was dropped after promotion',
    );

    const dockerfile = join(config.root, 'Dockerfile');
    const { readFile } = await import('node:fs/promises');
    const good = await readFile(dockerfile, 'utf8');
    await writeFile(dockerfile, failing(good));
    const failed = await build(config, plan(), store.env);
    assert.equal(failed.ok, false);
    assert.match(failed.outcomes[0]!.problem!.message, /exit status 7/);
    assert.deepEqual(await podmanImage(store, tag), before);
    assert.equal((await store.podman(['image', 'exists', temp])).ok, false, 'the failed build left its temporary list');

    const missing = buildPlan(
      { ...config, variants: config.variants.map((v) => ({ ...v, dockerfile: join(config.root, 'Nope.Dockerfile') })) },
      { engine: 'podman', variants: ['minimal'] },
    );
    assert.equal((await build(config, missing, store.env)).ok, false);
    assert.deepEqual(await podmanImage(store, tag), before);

    // A build that succeeds moves the tag and removes the list it replaced (nothing else names it).
    await writeFile(dockerfile, `${good}RUN echo rebuilt > /rebuilt\n`);
    const rebuilt = await build(config, plan(), store.env);
    assert.equal(rebuilt.ok, true, JSON.stringify(rebuilt.outcomes.map((o) => o.problem)));
    const rebuiltImage = await podmanImage(store, tag);
    assert.notEqual(rebuiltImage.id, before.id);
    const old = await store.podman(['images', '--format', 'json', '--filter', `id=${before.id}`]);
    assert.deepEqual(JSON.parse(old.stdout), [], 'the replaced, now unnamed manifest list is gone');
    const listed = await store.podman(['images']);
    assert.equal(listed.ok, true, listed.stderr);
  });

  it('docker: a failing RUN and a missing Dockerfile leave each per-arch tag on its previous image', async () => {
    const config = await projectWorkspace('shared-base');
    const plan = () => buildPlan(config, { engine: 'docker', variants: ['minimal'] });
    const first = await build(config, plan());
    assert.equal(first.ok, true, JSON.stringify(first.outcomes.map((o) => o.problem)));
    const tags = plan().jobs.map((j) => j.tags[0]!);
    cleanup.push(() => runTool([docker, 'rmi', ...tags], { env }));
    const before = await Promise.all(tags.map(dockerImage));

    const dockerfile = join(config.root, 'Dockerfile');
    const { readFile } = await import('node:fs/promises');
    await writeFile(dockerfile, failing(await readFile(dockerfile, 'utf8')));
    const failed = await build(config, plan());
    assert.equal(failed.ok, false);
    assert.deepEqual(await Promise.all(tags.map(dockerImage)), before);

    const missing = buildPlan(
      { ...config, variants: config.variants.map((v) => ({ ...v, dockerfile: join(config.root, 'Nope.Dockerfile') })) },
      { engine: 'docker', variants: ['minimal'] },
    );
    assert.equal((await build(config, missing)).ok, false);
    assert.deepEqual(await Promise.all(tags.map(dockerImage)), before);
    for (const job of plan().jobs) {
      assert.equal(
        await exists([docker, 'image', 'inspect', stagingRef(job.tags[0]!, job.platforms)]),
        false,
        'temporary tag left behind',
      );
    }
  });

  it('podman: a push the registry answers with HTTP 401 leaves the tag on the previous list and names the auth files and the login command', async () => {
    const reg = await failingRegistry(401);
    after(() => reg.close());
    const store = await privateStore();
    after(() => store.dispose());
    const config = await projectWorkspace('shared-base', baseImage, (y) => `${y}registry: ${reg.host}\n`);
    const plan = () =>
      buildPlan(config, { engine: 'podman', variants: ['minimal'], platforms: ['linux/amd64'], output: 'push' });
    const tag = plan().jobs[0]!.tags[0]!;
    // The list the user had under the tag: a load build of the same cell.
    const loaded = buildPlan(config, { engine: 'podman', variants: ['minimal'], platforms: ['linux/amd64'] });
    const first = await build(config, loaded, store.env);
    assert.equal(first.ok, true, JSON.stringify(first.outcomes.map((o) => o.problem)));
    assert.ok((await store.podman(['tag', loaded.jobs[0]!.tags[0]!, tag])).ok);
    const before = await podmanImage(store, tag);

    const failed = await build(config, plan(), store.env);
    assert.equal(failed.ok, false);
    const message = failed.outcomes[0]!.problem!.message;
    // The auth files looked in (none has credentials for this host) and the file each login command writes.
    const files = (await loadRegistryHosts(store.env)).authFiles!;
    assert.match(message, new RegExp(`${reg.host.replace(/[.]/g, '\\.')} asks for a user name and password`));
    for (const f of files.searched) assert.ok(message.includes(f), `${f} not named in: ${message}`);
    assert.ok(message.includes(`\`podman login ${reg.host}\` (writes ${files.podman})`), message);
    assert.deepEqual(await podmanImage(store, tag), before, 'the failed push moved the tag');
  });

  for (const status of [500, 401] as const) {
    it(`docker: a push the registry answers with HTTP ${status} leaves the tag on the previous image, stops retrying and says why`, async () => {
      const reg = await failingRegistry(status);
      cleanup.push(() => reg.close());
      const config = await projectWorkspace('shared-base', baseImage, (y) => `${y}registry: ${reg.host}\n`);
      const plan = buildPlan(config, {
        engine: 'docker',
        variants: ['minimal'],
        platforms: ['linux/amd64'],
        output: 'push',
      });
      const job = plan.jobs[0]!;
      const tag = job.tags[0]!;
      // The image the user had under the tag before this build.
      assert.ok((await tool([docker, 'pull', baseImage])).ok);
      assert.ok((await tool([docker, 'tag', baseImage, tag])).ok);
      cleanup.push(() => runTool([docker, 'rmi', tag], { env }));
      const before = await dockerImage(tag);

      const failed = await build(config, plan);
      assert.equal(failed.ok, false);
      assert.equal(await dockerImage(tag), before, 'the failed push moved the tag');
      assert.equal(await exists([docker, 'image', 'inspect', stagingRef(tag, job.platforms)]), false);
      const message = failed.outcomes[0]!.problem!.message;
      if (status === 500) assert.match(message, /answered 500/);
      else
        assert.match(
          message,
          /asks for a user name and password.*`docker login 127\.0\.0\.1:\d+` \(writes \S+config\.json\)/,
        );
      // dockerd alone makes 6 attempts per layer over ~50 s; stopped after the second retry is announced.
      assert.ok(reg.requests() < 40, `${reg.requests()} requests`);
    });
  }
});
