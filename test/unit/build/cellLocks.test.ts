import { strict as assert } from 'node:assert';
import { CellLocks } from '../../../src/core/build/cellLocks';
import { TaskQueue } from '../../../src/core/taskQueue';

const a = { variant: 'redis', platform: 'linux/amd64' };
const b = { variant: 'redis', platform: 'linux/arm64' };
const c = { variant: 'sqs', platform: 'linux/amd64' };

describe('cell locks', () => {
  it('takes all cells or none, and releases once', () => {
    const locks = new CellLocks();
    const release = locks.tryAcquire([a, b])!;
    assert.ok(release);
    assert.equal(locks.tryAcquire([b, c]), undefined);
    assert.deepEqual(locks.busy([a, b, c]), [a, b]);
    const other = locks.tryAcquire([c]);
    assert.ok(other);
    release();
    release();
    assert.deepEqual(locks.busy([a, b, c]), [c]);
  });

  it('a waiter gets the cell only after the holder releases it', async () => {
    const locks = new CellLocks();
    const order: string[] = [];
    const first = await locks.acquire([a]);
    const second = locks.acquire([a, c]).then((release) => {
      order.push('second');
      return release;
    });
    await Promise.resolve();
    order.push('first done');
    first();
    (await second)();
    assert.deepEqual(order, ['first done', 'second']);
    assert.deepEqual(locks.busy([a, c]), []);
  });

  it('a waiter can be cancelled', async () => {
    const locks = new CellLocks();
    locks.tryAcquire([a]);
    const ac = new AbortController();
    const waiting = locks.acquire([a], ac.signal);
    ac.abort();
    await assert.rejects(waiting, /cancelled/);
  });
});

describe('task queue', () => {
  it('never runs more than its concurrency at once', async () => {
    const q = new TaskQueue(2);
    let running = 0;
    let peak = 0;
    const gates: (() => void)[] = [];
    const tasks = Array.from({ length: 5 }, (_, i) =>
      q.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => gates.push(r));
        running--;
        return i;
      }),
    );
    while (gates.length < 2) await new Promise((r) => setImmediate(r));
    assert.equal(running, 2);
    for (let done = 0; done < 5; done++) {
      while (!gates.length) await new Promise((r) => setImmediate(r));
      gates.shift()!();
    }
    assert.deepEqual(await Promise.all(tasks), [0, 1, 2, 3, 4]);
    assert.equal(peak, 2);
    assert.throws(() => new TaskQueue(0), /at least 1/);
  });
});

describe('task queue priority', () => {
  it('gives a freed place to the highest priority waiting, in submission order among equals', async () => {
    const q = new TaskQueue(1);
    const order: string[] = [];
    let release!: () => void;
    const first = q.run(() => new Promise<void>((r) => (release = r)));
    const queued = [
      ['native 1', 0],
      ['native 2', 0],
      ['emulated 1', 1],
      ['emulated 2', 1],
    ].map(([name, priority]) => q.run(async () => void order.push(name as string), priority as number));
    release();
    await Promise.all([first, ...queued]);
    assert.deepEqual(order, ['emulated 1', 'emulated 2', 'native 1', 'native 2']);
  });
});

describe('task queue: the last task one over the limit', () => {
  /** Tasks that each hold their place until released; `running` names the ones started. */
  function held(q: TaskQueue) {
    const running: string[] = [];
    const release = new Map<string, () => void>();
    const submit = (name: string, key?: unknown) =>
      q.run(
        () =>
          new Promise<void>((r) => {
            running.push(name);
            release.set(name, r);
          }),
        0,
        key,
      );
    return { running, release, submit };
  }
  const settle = () => new Promise((r) => setImmediate(r));

  it('starts the last announced task beside the others once nothing else is to come', async () => {
    const q = new TaskQueue(2, { lastOneMore: true });
    const { running, release, submit } = held(q);
    for (const k of ['a', 'b', 'c', 'd']) q.expect(k, 1);
    const tasks = ['a', 'b', 'c'].map((k) => submit(k, k));
    await settle();
    // d has not come yet: c waits for a place.
    assert.deepEqual(running, ['a', 'b']);
    q.done('d');
    await settle();
    assert.deepEqual(running, ['a', 'b', 'c']);
    for (const k of ['a', 'b', 'c']) release.get(k)!();
    await Promise.all(tasks);
  });

  it('runs only one over: with two waiting and nothing to come, both wait for places', async () => {
    const q = new TaskQueue(2, { lastOneMore: true });
    const { running, release, submit } = held(q);
    q.expect('job', 4);
    const tasks = ['a', 'b', 'c', 'd'].map((k) => submit(k, 'job'));
    await settle();
    assert.deepEqual(running, ['a', 'b']);
    release.get('a')!();
    await settle();
    // c took a's place; d is now the only one waiting and the last to come.
    assert.deepEqual(running, ['a', 'b', 'c', 'd']);
    for (const k of ['b', 'c', 'd']) release.get(k)!();
    await Promise.all(tasks);
  });

  it('never passes the limit without lastOneMore (a number the user chose)', async () => {
    const q = new TaskQueue(2);
    const { running, release, submit } = held(q);
    q.expect('job', 3);
    const tasks = ['a', 'b', 'c'].map((k) => submit(k, 'job'));
    q.done('job');
    await settle();
    assert.deepEqual(running, ['a', 'b']);
    release.get('a')!();
    await settle();
    assert.deepEqual(running, ['a', 'b', 'c']);
    for (const k of ['b', 'c']) release.get(k)!();
    await Promise.all(tasks);
  });
});
