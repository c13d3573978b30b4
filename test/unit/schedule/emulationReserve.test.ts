import * as assert from 'node:assert/strict';
import { EmulationReserve, emulatedFirst } from '../../../src/core/schedule/emulationReserve';
import type { Job } from '../../../src/core/jobs';

/** A build that runs until the test ends it; `started` tells whether the reserve let it start. */
function build(reserve: EmulationReserve, platform: string, kind: 'warmup' | 'build' = 'build') {
  let end!: () => void;
  const ended = new Promise<void>((r) => (end = r));
  const b = { started: false, end, done: undefined as unknown as Promise<void> };
  b.done = reserve.run({ platform, kind }, async () => {
    b.started = true;
    await ended;
  });
  return b;
}

/** Lets every promise chain that can move on do so. */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe('emulation reserve', () => {
  it('keeps a core for a running emulated warm-up: native builds one at a time on 2 cores, all at once after it', async () => {
    const reserve = new EmulationReserve(2, 'linux/amd64');
    const arm = build(reserve, 'linux/arm64', 'warmup');
    const natives = [1, 2, 3].map(() => build(reserve, 'linux/amd64'));
    await settle();
    assert.deepEqual([arm.started, ...natives.map((n) => n.started)], [true, true, false, false]);
    natives[0]!.end();
    await settle();
    assert.deepEqual(
      natives.map((n) => n.started),
      [true, true, false],
    );
    arm.end();
    await settle();
    assert.deepEqual(
      natives.map((n) => n.started),
      [true, true, true],
    );
    natives.forEach((n) => n.end());
    await Promise.all([arm.done, ...natives.map((n) => n.done)]);
  });

  it('limits nothing without an emulated warm-up, nor emulated builds; 4 cores leave 3 to native builds', async () => {
    const two = new EmulationReserve(2, 'linux/amd64');
    const free = [
      build(two, 'linux/amd64'),
      build(two, 'linux/amd64'),
      build(two, 'linux/amd64'),
      build(two, 'linux/arm64'),
      build(two, 'linux/386'),
    ];
    await settle();
    assert.ok(free.every((b) => b.started));
    free.forEach((b) => b.end());

    const four = new EmulationReserve(4, 'linux/amd64');
    const warm = build(four, 'linux/arm64', 'warmup');
    const natives = [1, 2, 3, 4].map(() => build(four, 'linux/amd64'));
    const emulated = build(four, 'linux/arm64');
    await settle();
    assert.deepEqual([...natives.map((n) => n.started), emulated.started], [true, true, true, false, true]);
    warm.end();
    await settle();
    assert.ok(natives[3]!.started);
    natives.forEach((n) => n.end());
    emulated.end();
  });

  it('tells a native build when it has to wait and when it stops waiting; one that gets a core at once is told nothing', async () => {
    const reserve = new EmulationReserve(2, 'linux/amd64');
    const arm = build(reserve, 'linux/arm64', 'warmup');
    const told: string[] = [];
    let end!: () => void;
    const first = reserve.run(
      { platform: 'linux/amd64', kind: 'build', onWait: (w) => told.push(`first ${w}`) },
      () => new Promise<void>((r) => (end = r)),
    );
    const second = reserve.run(
      { platform: 'linux/amd64', kind: 'build', onWait: (w) => told.push(`second ${w}`) },
      async () => void told.push('second runs'),
    );
    await settle();
    assert.deepEqual(told, ['second true']);
    end();
    await Promise.all([first, second]);
    assert.deepEqual(told, ['second true', 'second false', 'second runs']);
    arm.end();
    await arm.done;
  });

  it('frees its core when the warm-up fails', async () => {
    const reserve = new EmulationReserve(2, 'linux/amd64');
    const failing = reserve.run({ platform: 'linux/arm64', kind: 'warmup' }, async () => {
      throw new Error('RUN failed');
    });
    const natives = [build(reserve, 'linux/amd64'), build(reserve, 'linux/amd64')];
    await assert.rejects(failing, /RUN failed/);
    await settle();
    assert.ok(natives.every((n) => n.started));
    natives.forEach((n) => n.end());
  });

  it('counts the emulated builds it was told of before they start, each in place of itself once it runs; settle drops the rest', async () => {
    const reserve = new EmulationReserve(2, 'linux/amd64');
    const split = {};
    const other = {};
    reserve.expect(split, 2);
    reserve.expect(other, 1);
    reserve.expect({}, 0);
    // A native build that comes before the emulated ones: one at a time, as if they ran.
    const natives = [build(reserve, 'linux/amd64'), build(reserve, 'linux/amd64')];
    await settle();
    assert.deepEqual(
      natives.map((n) => n.started),
      [true, false],
    );
    let end!: () => void;
    const arm = reserve.run(
      { platform: 'linux/arm64', kind: 'warmup', owner: split },
      () => new Promise<void>((r) => (end = r)),
    );
    reserve.settle(split);
    reserve.settle(other);
    await settle();
    // One emulated build runs (its expectation became it); the others that never came are no longer counted.
    assert.equal(natives[1]!.started, false);
    end();
    await arm;
    await settle();
    assert.equal(natives[1]!.started, true);
    natives.forEach((n) => n.end());
    await Promise.all(natives.map((n) => n.done));
  });

  it("start order without warm-ups: each emulated platform's first job, the native jobs, the other emulated ones; a job on a build node keeps its place", () => {
    const job = (id: string, platforms: string[], node?: string) =>
      ({ id, platforms, ...(node ? { node } : {}) }) as Job;
    const ids = (jobs: Job[]) => jobs.map((j) => j.id);
    const plan = ['a', 'b', 'c'].flatMap((v) => [job(`${v}-amd`, ['linux/amd64']), job(`${v}-arm`, ['linux/arm64'])]);
    assert.deepEqual(ids(emulatedFirst(plan, 'linux/amd64')), ['a-arm', 'a-amd', 'b-amd', 'c-amd', 'b-arm', 'c-arm']);
    assert.deepEqual(ids(emulatedFirst(plan, 'linux/arm64')), ['a-amd', 'a-arm', 'b-arm', 'c-arm', 'b-amd', 'c-amd']);
    const withV7 = [...plan, job('a-v7', ['linux/arm/v7']), job('both', ['linux/amd64', 'linux/arm64'])];
    assert.deepEqual(ids(emulatedFirst(withV7, 'linux/amd64')), [
      'a-arm',
      'a-v7',
      'a-amd',
      'b-amd',
      'c-amd',
      'both',
      'b-arm',
      'c-arm',
    ]);
    const onNode = plan.map((j) => (j.platforms[0] === 'linux/arm64' ? { ...j, node: 'arm-box' } : j));
    assert.deepEqual(ids(emulatedFirst(onNode, 'linux/amd64')), ids(plan));
  });
});
