import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LaneOrphans } from '../../../src/core/build/cleanup';
import type { EngineQuery } from '../../../src/core/build/engineQuery';
import { processOwner } from '../../../src/core/state/lockFile';

describe('LaneOrphans: the working containers killed builds left, listed once for a lane', () => {
  let root: string;
  before(async () => (root = await mkdtemp(join(tmpdir(), 'lane-orphans-'))));
  after(() => rm(root, { recursive: true, force: true }));

  /** A store with buildah working containers: each with the marker and owner build args podman recorded. */
  async function store(containers: Array<{ id: string; marker: string; owner?: string }>) {
    for (const c of containers) {
      const dir = join(root, 'overlay-containers', c.id, 'userdata');
      await mkdir(dir, { recursive: true });
      const args = { MULTIARCH_BUILD: c.marker, ...(c.owner ? { MULTIARCH_BUILD_OWNER: c.owner } : {}) };
      await writeFile(join(dir, 'buildah.json'), JSON.stringify({ Args: args }));
    }
    const calls: string[] = [];
    const run: EngineQuery = async (argv) => {
      calls.push(argv.join(' '));
      const stdout = JSON.stringify(containers.map((c) => ({ Id: c.id, State: 'storage' })));
      return { ok: true, stdout, stderr: '', exitCode: 0, timedOut: false };
    };
    const rootFn = async () => ({ graphRoot: root, graphDriver: 'overlay' });
    return { calls, orphans: new LaneOrphans('podman', { run, root: rootFn }) };
  }

  it('one `ps --external` for every job; each its own killed containers and the gone owners’ ones once; never a live build’s', async () => {
    const gone = `${2 ** 22 + 11}/1/${hostname()}`;
    const { calls, orphans } = await store([
      { id: 'a1', marker: 'app:tmp-a', owner: gone },
      { id: 'b1', marker: 'app:tmp-b' },
      { id: 'x1', marker: 'other:tmp-x', owner: gone },
      { id: 'live', marker: 'other:tmp-y', owner: `${process.ppid}//${hostname()}` },
      { id: 'mine', marker: 'app:tmp-c', owner: processOwner() },
    ]);
    const [a, b, c] = await Promise.all([
      orphans.take('app:tmp-a'),
      orphans.take('app:tmp-b'),
      orphans.take('app:tmp-c'),
    ]);
    assert.deepEqual(calls, ['podman ps --external --all --no-trunc --format json'], 'listed once');
    const given = [...a.own, ...a.others, ...b.own, ...b.others, ...c.own, ...c.others].sort();
    assert.deepEqual(given, ['a1', 'b1', 'mine', 'x1'], 'each once; the live owner’s container stays');
    assert.deepEqual(a.own, ['a1']);
    assert.deepEqual(b.own, ['b1'], 'a container without an owner only by its own job');
    assert.deepEqual(c.own, ['mine'], 'this process’s own earlier build of the job');
  });
});
