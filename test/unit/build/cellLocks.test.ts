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
