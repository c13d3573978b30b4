import { strict as assert } from 'node:assert';
import { PodmanProgress } from '../../../src/core/insight/podmanProgress';
import type { StepRecord } from '../../../src/core/insight/types';
import { cells, replay } from './replay';

const both = cells('minimal', 'linux/amd64', 'linux/arm64');
const heavy = (steps: StepRecord[]) => steps.find((s) => s.stage === 'deps' && s.instruction.startsWith('RUN'))!;

describe('podman progress (recorded with podman 4.3.1, test/fixtures/progress)', () => {
  it('gives each platform of one interleaved two-platform build its own steps and seconds', () => {
    const t = replay(new PodmanProgress(both), 'podman-cold.txt');
    const amd = t['minimal@linux/amd64']!;
    const arm = t['minimal@linux/arm64']!;
    assert.deepEqual(
      amd.steps.map((s) => `${s.stage} ${s.index} ${s.instruction.split(' ')[0]}`),
      [
        'base 2 ARG',
        'base 3 COPY',
        'deps 2 RUN',
        'compile 2 ARG',
        'compile 3 COPY',
        'compile 4 RUN',
        'stage-3 2 COPY',
        'stage-3 3 CMD',
      ],
    );
    assert.equal(arm.steps.length, 8);
    // Recorded arrival times: amd64's loop ran 2730→5562 ms, arm64's under QEMU 7425→12895 ms.
    assert.equal(heavy(amd.steps).seconds, 2.83);
    assert.equal(heavy(arm.steps).seconds, 5.47);
    assert.ok(amd.steps.every((s) => !s.cached) && arm.steps.every((s) => !s.cached), '--no-cache: nothing cached');
    // Each platform's span is its own: amd64 ran 844→13224 ms, arm64 5602→14384 ms.
    assert.equal(amd.seconds, 12.38);
    assert.equal(arm.seconds, 8.78);
  });

  it('reports every step of an immediate rebuild as cached', () => {
    const t = replay(new PodmanProgress(both), 'podman-cached.txt');
    for (const id of ['minimal@linux/amd64', 'minimal@linux/arm64']) {
      assert.equal(t[id]!.steps.length, 8, id);
      assert.ok(
        t[id]!.steps.every((s) => s.cached),
        id,
      );
    }
  });

  it('keeps a step waiting for its cache line while another stage of its platform starts', () => {
    // podman prints `COPY --from=deps` of the compile stage, then the deps stage's RUN, then both cache lines.
    const t = replay(new PodmanProgress(both), 'podman-cached-stages-interleaved.txt');
    for (const id of ['minimal@linux/amd64', 'minimal@linux/arm64']) {
      assert.equal(t[id]!.steps.length, 8, id);
      assert.deepEqual(
        t[id]!.steps.filter((s) => !s.cached).map((s) => s.instruction),
        [],
        id,
      );
    }
  });

  it('tells cached stages from rebuilt ones in a partial rebuild', () => {
    const t = replay(new PodmanProgress(cells('redis', 'linux/amd64', 'linux/arm64')), 'podman-partial.txt');
    for (const id of ['redis@linux/amd64', 'redis@linux/arm64']) {
      const cached = t[id]!.steps.map((s) => `${s.stage} ${s.index}${s.cached ? ' cached' : ''}`);
      assert.deepEqual(
        cached,
        [
          'base 2 cached',
          'base 3 cached',
          'deps 2 cached',
          'compile 2 cached',
          'compile 3 cached',
          'compile 4',
          'stage-3 2',
          'stage-3 3',
        ],
        id,
      );
    }
  });

  it('reads a one-platform build (no platform prefix) and lines cut into chunks', () => {
    const t = replay(new PodmanProgress(cells('sqs', 'linux/arm64')), 'podman-single.txt', 7);
    const arm = t['sqs@linux/arm64']!;
    assert.equal(arm.steps.length, 8);
    assert.equal(heavy(arm.steps).seconds, 9.72);
  });

  it('clips instructions to 80 characters', () => {
    const p = new PodmanProgress(cells('v', 'linux/amd64'));
    p.feed(`STEP 1/2: FROM scratch\nSTEP 2/2: RUN ${'x'.repeat(200)}\n--> 0123456789ab\n`, 0);
    const [step] = p.finish(1000)['v@linux/amd64']!.steps;
    assert.equal(step!.instruction.length, 80);
    assert.equal(step!.stage, '');
  });
});
