import * as assert from 'node:assert/strict';
import { runParts } from '../../../src/core/build/runParts';
import type { Job } from '../../../src/core/jobs';
import { EmulationReserve } from '../../../src/core/schedule/emulationReserve';
import type { PrePhaseResult } from '../../../src/core/schedule/runSchedule';
import type { ProcessResult } from '../../../src/core/build/runProcess';
import { TaskQueue } from '../../../src/core/taskQueue';

const settle = () => new Promise<void>((r) => setImmediate(r));

describe('split job parts and the build slots', () => {
  it('an emulated part whose warm-up has just ended takes a freed slot before the native parts queued earlier', async () => {
    const queue = new TaskQueue(1);
    const reserve = new EmulationReserve(2, 'linux/amd64');
    let armWarmedUp!: () => void;
    const armGate = new Promise<void>((r) => (armWarmedUp = r));
    const gates = {
      wait: async (cells: { platform: string }[]): Promise<PrePhaseResult<ProcessResult>> => {
        if (cells.some((c) => c.platform === 'linux/arm64')) await armGate;
        return { ok: true };
      },
    };
    const started: string[] = [];
    // The slot is busy (a native build of another variant) while every part queues.
    let endBusy!: () => void;
    const busy = queue.run(() => new Promise<void>((r) => (endBusy = r)));
    const runs = ['minimal', 'redis'].map((variant) => {
      const job = { id: variant, variant, platforms: ['linux/amd64', 'linux/arm64'] } as unknown as Job;
      return runParts({
        job,
        parts: job.platforms.map((platform) => ({ platform, argv: [variant, platform], iidfile: '' })),
        o: {},
        signal: new AbortController().signal,
        gates,
        reserve,
        slot: (task, priority) => queue.run(task, priority),
        exec: async (argv) => {
          started.push(argv.join(' '));
          return { exitCode: 0, timedOut: false, cancelled: false, output: '' };
        },
      });
    });
    await settle();
    armWarmedUp();
    await settle();
    assert.deepEqual(started, [], 'nothing builds while the slot is busy');
    endBusy();
    await Promise.all([busy, ...runs]);
    assert.deepEqual(started, ['minimal linux/arm64', 'redis linux/arm64', 'minimal linux/amd64', 'redis linux/amd64']);
  });

  it('buildx: the emulated parts run at once without a slot, the native ones one at a time beside them', async () => {
    const queue = new TaskQueue(2);
    const reserve = new EmulationReserve(2, 'linux/amd64');
    const gates = { wait: async (): Promise<PrePhaseResult<ProcessResult>> => ({ ok: true }) };
    const running = new Map<string, () => void>();
    const started: string[] = [];
    const runs = ['minimal', 'redis', 'sqs'].map((variant) => {
      const job = { id: variant, engine: 'buildx', variant, platforms: ['linux/amd64', 'linux/arm64'] } as Job;
      return runParts({
        job,
        parts: job.platforms.map((platform) => ({ platform, argv: [variant, platform], metadataFile: '' })),
        o: {},
        signal: new AbortController().signal,
        gates,
        reserve,
        slot: (task, priority) => queue.run(task, priority),
        exec: (argv) =>
          new Promise((resolve) => {
            started.push(argv.join(' '));
            running.set(argv.join(' '), () => resolve({ exitCode: 0, timedOut: false, cancelled: false, output: '' }));
          }),
      });
    });
    const end = async (name: string) => {
      running.get(name)!();
      running.delete(name);
      await settle();
    };
    await settle();
    assert.deepEqual([...running.keys()].sort(), [
      'minimal linux/amd64',
      'minimal linux/arm64',
      'redis linux/arm64',
      'sqs linux/arm64',
    ]);
    await end('minimal linux/amd64');
    assert.deepEqual(started.slice(4), ['redis linux/amd64'], 'one native part at a time while emulated ones run');
    for (const v of ['minimal', 'redis', 'sqs']) await end(`${v} linux/arm64`);
    assert.deepEqual(started.slice(5), ['sqs linux/amd64'], 'no limit once they ended');
    assert.equal(running.size, 2);
    for (const name of [...running.keys()]) await end(name);
    assert.deepEqual(await Promise.all(runs), [undefined, undefined, undefined]);
  });
});
