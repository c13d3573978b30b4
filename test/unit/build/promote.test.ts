import * as assert from 'node:assert/strict';
import { listImages, namedManifestLists, removeReplacedLists } from '../../../src/core/build/promote';
import type { StoreContents } from '../../../src/core/engines/podmanStore';
import { storeImage } from '../helpers/storeImage';
import type { EngineQuery } from '../../../src/core/build/engineQuery';

/** podman's stderr while another build commits an image (podman 4.3), for that moment failing the whole listing. */
const committing =
  'Error: locating item named "manifest" for image with ID "' + 'd'.repeat(64) + '": file does not exist\n';

/** Answers in turn, then the last one again; records every call. */
function answering(answers: Array<{ ok: boolean; stdout?: string; stderr?: string }>) {
  const calls: string[] = [];
  const run: EngineQuery = async (argv) => {
    calls.push(argv.slice(1).join(' '));
    const a = answers[Math.min(calls.length - 1, answers.length - 1)]!;
    return { ok: a.ok, stdout: a.stdout ?? '', stderr: a.stderr ?? '', exitCode: a.ok ? 0 : 125, timedOut: false };
  };
  return { run, calls };
}

describe('replace-on-success queries', () => {
  it('asks `podman images` again while another build is committing, and not for any other failure', async () => {
    const list = JSON.stringify([{ Id: 'a'.repeat(64), Names: ['localhost/app:dev'] }]);
    const busy = answering([
      { ok: false, stderr: committing },
      { ok: false, stderr: committing },
      { ok: true, stdout: list },
    ]);
    const r = await listImages(busy.run, ['podman', 'images', '--format', 'json', 'app:dev'], 1);
    assert.equal(r.ok, true);
    assert.equal(busy.calls.length, 3);

    const gone = answering([{ ok: false, stderr: 'Error: app:dev: image not known\n' }]);
    assert.equal((await listImages(gone.run, ['podman', 'images', 'app:dev'], 1)).ok, false);
    assert.equal(gone.calls.length, 1);

    const stuck = answering([{ ok: false, stderr: committing }]);
    assert.equal((await listImages(stuck.run, ['podman', 'images', 'app:dev'], 1)).ok, false);
    assert.equal(stuck.calls.length, 5, 'gives up after five tries');
  });

  it('finds the list a tag names even when the first listing met a commit in flight', async () => {
    const id = 'b'.repeat(64);
    const calls: string[] = [];
    let listed = 0;
    const run: EngineQuery = async (argv) => {
      const line = argv.slice(1).join(' ');
      calls.push(line);
      if (argv[1] === 'images' && listed++ === 0)
        return { ok: false, stdout: '', stderr: committing, exitCode: 125, timedOut: false };
      if (argv[1] === 'images')
        return {
          ok: true,
          stdout: JSON.stringify([{ Id: id, Names: ['localhost/app:dev'] }]),
          stderr: '',
          exitCode: 0,
          timedOut: false,
        };
      return { ok: line === `manifest exists ${id}`, stdout: '', stderr: '', exitCode: 0, timedOut: false };
    };
    assert.deepEqual(await namedManifestLists(['app:dev'], { program: 'podman', run }), [id]);
  });
  it("reads the store's files for the list a tag names when `podman images` fails for the whole store", async () => {
    // podman 4.3 with a list it cannot read anywhere in the store (stderr as seen in a store many runs shared).
    const broken = answering([
      {
        ok: false,
        stderr: `Error: reading manifest for image instance "${'e'.repeat(64)}": locating item named "manifest-sha256:${'f'.repeat(64)}" for image with ID "${'e'.repeat(64)}": file does not exist\n`,
      },
    ]);
    const contents: StoreContents = {
      images: [
        storeImage('named', 2, { list: true, names: ['localhost/app:dev'], instances: ['sha256:a'] }),
        // Named so once: the tag moved off it earlier; not what the tag names now.
        storeImage('before', 1, { list: true, namesHistory: ['localhost/app:dev'], instances: ['sha256:b'] }),
        // The tag's name on an image that is not a list (a single-platform build) is not a list to replace.
        storeImage('single', 3, { names: ['localhost/app:dev'], layer: 'l' }),
        storeImage('other', 4, { list: true, names: ['127.0.0.1:5000/app:dev'], instances: ['sha256:c'] }),
      ],
      layers: [],
      containers: [],
    };
    let reads = 0;
    const store = async () => (reads++, contents);
    const ids = await namedManifestLists(['app:dev', 'app'], { program: 'podman', run: broken.run, store });
    assert.deepEqual(ids, ['named']);
    assert.equal(reads, 1, 'the files read once for all the tags');
    assert.deepEqual(broken.calls, ['images --no-trunc --format json app:dev', 'images --no-trunc --format json app']);

    // Where the files cannot be read from here (a build node's store), nothing is found and nothing else is asked.
    const remote = answering([{ ok: false, stderr: 'Error: boom\n' }]);
    assert.deepEqual(await namedManifestLists(['app:dev'], { program: 'podman', run: remote.run }), []);
    assert.deepEqual(
      await namedManifestLists(['app:dev'], { program: 'podman', run: remote.run, store: async () => undefined }),
      [],
    );
  });

  it("does not read the store's files when `podman images` answers", async () => {
    const ok = answering([{ ok: true, stdout: '[]' }]);
    let reads = 0;
    const store = async () => (reads++, undefined);
    assert.deepEqual(await namedManifestLists(['app:dev'], { program: 'podman', run: ok.run, store }), []);
    assert.equal(reads, 0);
  });
});

describe('removeReplacedLists: the lists a lane replaced, removed together', () => {
  // Two jobs' replaced lists (`old-a`, `old-b`), each over one platform image built on the base's instance; a third
  // list the user named again meanwhile (`kept`); the new lists hold the tags.
  const contents = (gone: Set<string> = new Set()): StoreContents => ({
    images: [
      storeImage('base', 1, { namesHistory: ['127.0.0.1:5000/busybox:1'], layer: 'l-base' }),
      storeImage('a', 10, { layer: 'l-a' }),
      storeImage('old-a', 11, { list: true, namesHistory: ['localhost/app:minimal'], instances: ['sha256:a'] }),
      storeImage('b', 12, { layer: 'l-b' }),
      storeImage('old-b', 13, { list: true, namesHistory: ['localhost/app:redis'], instances: ['sha256:b'] }),
      storeImage('c', 14, { layer: 'l-c' }),
      storeImage('kept', 15, { list: true, names: ['localhost/mine:1'], instances: ['sha256:c'] }),
      storeImage('a2', 20, { layer: 'l-a2' }),
      storeImage('new-a', 21, { list: true, names: ['localhost/app:minimal'], instances: ['sha256:a2'] }),
      storeImage('b2', 22, { layer: 'l-b2' }),
      storeImage('new-b', 23, { list: true, names: ['localhost/app:redis'], instances: ['sha256:b2'] }),
    ].filter((i) => !gone.has(i.id)),
    layers: [{ id: 'l-base' }, ...['l-a', 'l-b', 'l-c', 'l-a2', 'l-b2'].map((id) => ({ id, parent: 'l-base' }))],
    containers: [],
  });

  it('takes every unnamed list in one `manifest rm` and their images in one `rmi`, each job counting its own', async () => {
    const gone = new Set<string>();
    const calls: string[][] = [];
    const run: EngineQuery = async (argv) => {
      calls.push(argv.slice(1));
      if (argv[1] === 'manifest' || argv[1] === 'rmi') for (const id of argv.slice(3)) gone.add(id);
      return { ok: true, stdout: '', stderr: '', exitCode: 0, timedOut: false };
    };
    const r = await removeReplacedLists([['old-a'], ['old-b', 'kept']], {
      program: 'podman',
      run,
      store: async () => contents(gone),
    });
    assert.deepEqual(calls, [
      ['manifest', 'rm', 'old-a', 'old-b'],
      ['rmi', '--no-prune', '--ignore', 'b', 'a'],
    ]);
    assert.deepEqual(r.lists, ['old-a', 'old-b']);
    assert.deepEqual(r.images.sort(), ['a', 'b']);
    assert.deepEqual(r.perJob, [1, 1]);
    assert.equal(r.error, undefined);
  });

  it('counts only the lists that went: one removed meanwhile by another process is no failure', async () => {
    const gone = new Set<string>(['old-a']);
    const run: EngineQuery = async (argv) => {
      const missing = argv[1] === 'manifest' && argv.slice(3).some((id) => gone.has(id));
      for (const id of argv.slice(3)) gone.add(id);
      return {
        ok: !missing,
        stdout: '',
        stderr: missing ? 'Error: old-a: image not known' : '',
        exitCode: missing ? 1 : 0,
        timedOut: false,
      };
    };
    // Read before the other process removed old-a: both look unnamed.
    let reads = 0;
    const r = await removeReplacedLists([['old-a'], ['old-b']], {
      program: 'podman',
      run,
      store: async () => contents(reads++ === 0 ? new Set() : gone),
    });
    assert.deepEqual(r.lists, ['old-a', 'old-b']);
    assert.deepEqual(r.images.sort(), ['a', 'b']);
  });

  it('a store it cannot read (a remote podman) asks about each list and removes no image', async () => {
    const calls: string[] = [];
    const run: EngineQuery = async (argv) => {
      calls.push(argv.slice(1, 3).join(' '));
      const id = argv.at(-1)!.replace('id=', '');
      const stdout = argv[1] === 'images' ? JSON.stringify([{ Id: id, Names: [] }]) : '';
      return { ok: true, stdout, stderr: '', exitCode: 0, timedOut: false };
    };
    const r = await removeReplacedLists([['old-a'], ['old-b']], {
      program: 'podman',
      run,
      store: async () => undefined,
    });
    assert.deepEqual(r.lists, ['old-a', 'old-b']);
    assert.deepEqual(r.images, []);
    assert.deepEqual(calls, ['images --no-trunc', 'manifest rm', 'images --no-trunc', 'manifest rm']);
  });
});
