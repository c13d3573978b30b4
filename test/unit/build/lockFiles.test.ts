import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireCells, heldCells, lockCells, lockPath } from '../../../src/core/build/lockFiles';
import { ownerAlive, processOwner } from '../../../src/core/state/lockFile';

const redisArm = { variant: 'redis', platform: 'linux/arm64' };
const redisAmd = { variant: 'redis', platform: 'linux/amd64' };

/** A pid that certainly belongs to no live process: a child that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('per-cell lock files (one builder per cell across processes)', () => {
  it('a second taker is told who holds the cell; release frees it and leaves no file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'locks-'));
    const first = await lockCells(root, [redisArm, redisAmd]);
    assert.ok('release' in first);
    const holder = JSON.parse(await readFile(lockPath(root, redisArm), 'utf8'));
    assert.equal(holder.pid, process.pid);
    assert.equal(holder.host, hostname());
    const second = await lockCells(root, [redisArm]);
    assert.ok('held' in second);
    assert.deepEqual(
      second.held.map((h) => [h.cell, h.holder.pid]),
      [[redisArm, process.pid]],
    );
    assert.equal((await heldCells(root, [redisArm, { variant: 'sqs', platform: 'linux/arm64' }])).length, 1);
    await first.release();
    assert.deepEqual(await readdir(join(root, '.multiarch', 'locks')), []);
    const third = await lockCells(root, [redisArm]);
    assert.ok('release' in third);
    await third.release();
  });

  it('takes all cells or none', async () => {
    const root = await mkdtemp(join(tmpdir(), 'locks-'));
    const arm = await lockCells(root, [redisArm]);
    assert.ok('release' in arm);
    const both = await lockCells(root, [redisAmd, redisArm]);
    assert.ok('held' in both);
    assert.deepEqual(await heldCells(root, [redisAmd]), [], 'the free cell was not left locked');
    await arm.release();
  });

  it('a lock whose process is gone, or whose pid was reused by a later process, is stale and taken over', async () => {
    const root = await mkdtemp(join(tmpdir(), 'locks-'));
    const file = lockPath(root, redisArm);
    const once = await lockCells(root, [redisArm]);
    if ('release' in once) await once.release();
    await writeFile(
      file,
      JSON.stringify({ pid: deadPid(), host: hostname(), cell: 'redis@linux/arm64', since: '2026-01-01T00:00:00Z' }),
    );
    assert.deepEqual(await heldCells(root, [redisArm]), []);
    const afterDeath = await lockCells(root, [redisArm]);
    assert.ok('release' in afterDeath, 'a dead holder keeps the cell');
    await afterDeath.release();

    // Our own pid but another start time: the pid was reused, the writer is gone.
    await writeFile(
      file,
      JSON.stringify({
        pid: process.pid,
        startTime: '1',
        host: hostname(),
        cell: 'redis@linux/arm64',
        since: '2026-01-01T00:00:00Z',
      }),
    );
    const afterReuse = await lockCells(root, [redisArm]);
    assert.ok('release' in afterReuse, 'a reused pid keeps the cell');
    await afterReuse.release();
  });

  it('waits for the holder to release, or gives up when cancelled', async () => {
    const root = await mkdtemp(join(tmpdir(), 'locks-'));
    const first = await lockCells(root, [redisArm]);
    assert.ok('release' in first);
    let waitingFor: number | undefined;
    const waiting = acquireCells(root, [redisArm], {
      wait: true,
      pollMs: 20,
      onWait: (held) => {
        waitingFor = held[0]!.holder.pid;
        void first.release();
      },
    });
    const got = await waiting;
    assert.ok('release' in got);
    assert.equal(waitingFor, process.pid);

    const ac = new AbortController();
    const cancelled = acquireCells(root, [redisArm], {
      wait: true,
      signal: ac.signal,
      pollMs: 20,
      onWait: () => ac.abort(),
    });
    await assert.rejects(cancelled, /cancelled while waiting/);
    await got.release();
  });
});

describe('build owners (the process a podman working container names)', () => {
  it('this process is alive; a finished one, a reused pid or a malformed owner is judged as such', () => {
    assert.equal(ownerAlive(processOwner()), true);
    const [pid, start, host] = processOwner().split('/');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    assert.equal(ownerAlive(`${gone.stdout}/${start}/${host}`), false, 'a process that has exited');
    assert.equal(ownerAlive(`${pid}/${Number(start) + 1}/${host}`), false, 'the pid now names a later process');
    // Another machine's pid cannot be checked from here, and text we cannot read is never taken for a dead owner.
    assert.equal(ownerAlive(`${gone.stdout}/${start}/elsewhere.example`), true);
    assert.equal(ownerAlive('not an owner'), true);
  });
});
