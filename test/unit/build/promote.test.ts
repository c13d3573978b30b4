import * as assert from 'node:assert/strict';
import { listImages, namedManifestLists } from '../../../src/core/build/promote';
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
    assert.deepEqual(await namedManifestLists('podman', ['app:dev'], run), [id]);
  });
});
