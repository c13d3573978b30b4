import { strict as assert } from 'node:assert';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildRunner } from '../../src/core/build/runner';
import { programsFromEnv } from '../../src/core/engines/detect';
import { parseManifestList, platformRefs } from '../../src/core/engines/podmanOutput';
import { readStoreFiles } from '../../src/core/engines/podmanStore';
import { buildPlan } from '../../src/core/matrix/plan';
import { podmanStoredName } from '../../src/core/reference';
import { storeLocation } from '../../scripts/podmanStore.mjs';
import { projectWorkspace, runTag } from './helpers';
import { privateStore, type PrivateStore } from './privateStore';

/** The image id behind each platform of the list `ref` names now. */
async function instanceIds(store: PrivateStore, ref: string): Promise<Record<string, string>> {
  const inspect = await store.podman(['manifest', 'inspect', ref]);
  assert.ok(inspect.ok, `podman manifest inspect ${ref}: ${inspect.stderr}`);
  const ids: Record<string, string> = {};
  for (const [platform, pinned] of Object.entries(platformRefs(ref, parseManifestList(inspect.stdout)))) {
    const r = await store.podman(['image', 'inspect', '--format', '{{.Id}}', pinned]);
    assert.ok(r.ok, `podman image inspect ${pinned}: ${r.stderr}`);
    ids[platform] = r.stdout.trim();
  }
  return ids;
}

describe('a podman build that replaces a manifest list (real podman, a store of its own)', function () {
  this.timeout(600_000);
  let store: PrivateStore | undefined;
  after(() => store?.dispose());

  it("removes the old lists' platform images (two jobs', together), but keeps one the user tagged and the base's", async () => {
    store = await privateStore();
    const config = await projectWorkspace('shared-base');
    const dockerfile = join(config.root, 'Dockerfile');
    await writeFile(dockerfile, `${await readFile(dockerfile, 'utf8')}COPY app.txt /app.txt\n`);
    await writeFile(join(config.root, 'app.txt'), 'first\n');
    const plan = () => buildPlan(config, { engine: 'podman', variants: ['minimal', 'redis'] });
    const runner = new BuildRunner({ programs: programsFromEnv(store.env), env: store.env, concurrency: 2 });
    const build = async () => {
      let output = '';
      const summary = await runner.run(plan(), { config, onOutput: (_j, text) => (output += text) });
      assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
      return output;
    };

    await build();
    const [tag, other] = plan().jobs.map((j) => j.tags[0]!);
    const first = await instanceIds(store, tag!);
    const otherFirst = await instanceIds(store, other!);
    assert.deepEqual(Object.keys(first).sort(), ['linux/amd64', 'linux/arm64']);
    // `podman images` names the list itself; `image inspect` of its name gives the native platform's image.
    const listId = async (ref: string) => {
      const listed = await store!.podman(['images', '--no-trunc', '--format', 'json', ref]);
      return (JSON.parse(listed.stdout) as { Id: string }[])[0]?.Id.replace(/^sha256:/, '');
    };
    const firstList = await listId(tag!);
    assert.ok(firstList && !Object.values(first).includes(firstList), `the list's own id: ${firstList}`);
    const otherList = await listId(other!);
    // The pull step made the base a local list of two unnamed platform images; they must outlive the old list.
    const base = await instanceIds(store, plan().pulls![0]!.image);
    const mine = `localhost/mine-${runTag}:arm64`;
    assert.ok((await store.podman(['tag', first['linux/arm64']!, mine])).ok);

    await writeFile(join(config.root, 'app.txt'), 'second\n');
    const output = await build();
    const second = await instanceIds(store, tag!);
    for (const platform of Object.keys(first)) assert.notEqual(second[platform], first[platform], platform);

    const exists = async (id: string) => (await store!.podman(['image', 'exists', id])).ok;
    assert.equal(await exists(firstList), false, 'the replaced list is gone');
    assert.equal(await exists(first['linux/amd64']!), false, "the old list's linux/amd64 image is gone");
    assert.equal(await exists(otherList!), false, "the other job's replaced list is gone");
    for (const [platform, id] of Object.entries(otherFirst))
      assert.equal(await exists(id), false, `the other job's old ${platform} image is gone`);
    // Each job says what went of its own list.
    assert.equal(output.match(/removed \d+ unnamed image\(s\) that only the replaced manifest list used/g)?.length, 2);
    assert.equal(await exists(first['linux/arm64']!), true, 'the image the user tagged was removed');
    const named = await store.podman(['image', 'inspect', '--format', '{{.Id}}', mine]);
    assert.equal(named.stdout.trim(), first['linux/arm64'], `${mine} moved: ${named.stderr}`);
    for (const [platform, id] of Object.entries(base)) assert.equal(await exists(id), true, `base ${platform} image`);
    for (const [platform, id] of Object.entries(second)) assert.equal(await exists(id), true, `new ${platform} image`);
    const all = await store.podman(['images']);
    assert.equal(all.ok, true, all.stderr);
  });

  it('removes the list a tag moves off though podman cannot read that list, and with it the store listing works again', async () => {
    // A list record whose manifest file is gone, as a store many runs shared was found (podman 4.3 then fails
    // `podman images` for that name and for the whole store, "locating item named …: file does not exist").
    const own = await privateStore();
    try {
      const config = await projectWorkspace('shared-base');
      const dockerfile = join(config.root, 'Dockerfile');
      await writeFile(dockerfile, `${await readFile(dockerfile, 'utf8')}COPY app.txt /app.txt\n`);
      await writeFile(join(config.root, 'app.txt'), 'first\n');
      const plan = () => buildPlan(config, { engine: 'podman', variants: ['minimal'] });
      const runner = new BuildRunner({ programs: programsFromEnv(own.env), env: own.env });
      const build = async () => {
        const summary = await runner.run(plan(), { config });
        assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
      };
      await build();
      const tag = plan().jobs[0]!.tags[0]!;
      const { graphRoot, driver } = await storeLocation(own.env.CONTAINERS_STORAGE_CONF!);
      const files = () => readStoreFiles(graphRoot, driver);
      const listOf = async () => (await files()).images.find((i) => i.list && i.names.includes(podmanStoredName(tag)));
      const damaged = (await listOf())?.id;
      assert.ok(damaged, `${tag} names a list`);
      await rm(join(graphRoot, `${driver}-images`, damaged, 'manifest'));
      assert.equal((await own.podman(['images', tag])).ok, false, 'podman cannot list the damaged list');

      await writeFile(join(config.root, 'app.txt'), 'second\n');
      await build();
      const now = await listOf();
      assert.ok(now && now.id !== damaged, `${tag} names a new list`);
      assert.deepEqual(
        (await files()).images.filter((i) => i.id === damaged || (i.list && !i.names.length)).map((i) => i.id),
        [],
        'the damaged list is gone, and no other unnamed list is left',
      );
      const all = await own.podman(['images']);
      assert.equal(all.ok, true, all.stderr);
      const arches = parseManifestList((await own.podman(['manifest', 'inspect', tag])).stdout).map((e) => e.platform);
      assert.deepEqual(arches.sort(), ['linux/amd64', 'linux/arm64']);
    } finally {
      await own.dispose();
    }
  });
});
