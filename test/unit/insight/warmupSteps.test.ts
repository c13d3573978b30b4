// Crediting a shared-stage warm-up's steps to the cells that waited for it, on real podman 4.3 output
// (test/fixtures/progress): the warm-up is the base and deps stages of podman-single.txt (a --no-cache arm64
// build of the same Dockerfile, so those steps ran), the variant build is podman-cached.txt (every step cached).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PodmanProgress } from '../../../src/core/insight/podmanProgress';
import type { CellTiming, StepRecord } from '../../../src/core/insight/types';
import { creditWarmups } from '../../../src/core/insight/warmupSteps';
import { dockerfileFacts } from '../../../src/core/report/lineFacts';
import { lineFactsMarkdown } from '../../../src/core/report/lineFactsText';
import type { BuildRecord } from '../../../src/core/results/types';
import { cells, progressDir, replay } from './replay';

const warmup: StepRecord[] = replay(new PodmanProgress(cells('', 'linux/arm64')), 'podman-single.txt')[
  '@linux/arm64'
]!.steps.filter((s) => s.stage === 'base' || s.stage === 'deps');
const cached: CellTiming = replay(
  new PodmanProgress(cells('minimal', 'linux/amd64', 'linux/arm64')),
  'podman-cached.txt',
)['minimal@linux/arm64']!;

describe('warm-up steps credited to the cells that waited for them', () => {
  it('gives each cached step the warm-up ran its seconds, marked warmup; the variant’s own steps stay as built', () => {
    assert.ok(cached.steps.every((s) => s.cached));
    const credited = creditWarmups(cached, [warmup]);
    const deps = credited.steps.find((s) => s.stage === 'deps' && s.instruction.startsWith('RUN i=0'))!;
    const warmDeps = warmup.find((s) => s.stage === 'deps' && s.instruction.startsWith('RUN i=0'))!;
    assert.equal(warmDeps.cached, false);
    assert.deepEqual(
      { seconds: deps.seconds, at: deps.at, cached: deps.cached, warmup: deps.warmup },
      { seconds: warmDeps.seconds, at: warmDeps.at, cached: false, warmup: true },
    );
    assert.ok(deps.seconds > 9, `the emulated loop took ${deps.seconds} s in the warm-up`);
    // The compile and final stages are the variant's own: still cached, not credited.
    for (const s of credited.steps.filter((x) => x.stage !== 'base' && x.stage !== 'deps'))
      assert.deepEqual([s.cached, s.warmup], [true, undefined], `${s.stage} ${s.instruction}`);
    // The cell's own span is what its build took, not the warm-up's.
    assert.equal(credited.seconds, cached.seconds);
  });

  it('leaves a step the warm-up itself found cached, a step the cell ran, and a cell with no warm-up alone', () => {
    const warmCached = warmup.map((s) => ({ ...s, cached: true }));
    assert.deepEqual(creditWarmups(cached, [warmCached]), cached);
    assert.equal(creditWarmups(cached, []), cached);
    const ran: CellTiming = { ...cached, steps: cached.steps.map((s) => ({ ...s, cached: false, seconds: 1 })) };
    assert.deepEqual(creditWarmups(ran, [warmup]), ran);
  });

  it('matches an unnamed stage numbered differently in the cut file by its source line and hash', () => {
    const step: StepRecord = {
      stage: 'stage-2',
      index: 2,
      instruction: 'RUN make',
      seconds: 0,
      cached: true,
      source: { line: 7, hash: 'abc' },
    };
    const warm: StepRecord = { ...step, stage: 'stage-0', seconds: 12.5, cached: false };
    assert.deepEqual(creditWarmups({ seconds: 1, steps: [step] }, [[warm]]).steps[0], {
      ...step,
      seconds: 12.5,
      cached: false,
      warmup: true,
    });
    const moved: StepRecord = { ...warm, source: { line: 8, hash: 'abc' } };
    assert.deepEqual(creditWarmups({ seconds: 1, steps: [step] }, [[moved]]).steps[0], step);
  });
});

describe('a line the warm-up ran, in the build facts', () => {
  const dockerfile = readFileSync(join(progressDir, '..', 'timings-app', 'Dockerfile'), 'utf8');
  const heavy = dockerfile.split('\n').findIndex((l) => l.startsWith('RUN i=0'));
  const both = replay(new PodmanProgress(cells('v', 'linux/amd64', 'linux/arm64')), 'podman-cached.txt');
  /** Two variants whose builds found every step cached; the warm-ups' deps RUN took 3.5 s natively, 26 s emulated (the issue's numbers). */
  const records: BuildRecord[] = ['a', 'b'].flatMap((variant) =>
    (['linux/amd64', 'linux/arm64'] as const).map((platform): BuildRecord => {
      const seconds = platform === 'linux/amd64' ? 3.5 : 26;
      const warm = warmup.map((s) => (s.stage === 'deps' && !s.cached ? { ...s, seconds } : s));
      return {
        variant,
        platform,
        engine: 'podman',
        output: 'load',
        status: 'succeeded',
        startedAt: '2026-12-05T10:00:00.000Z',
        durationMs: 2000,
        emulated: platform === 'linux/arm64',
        timing: creditWarmups(both[`v@${platform}`]!, [warm]),
      };
    }),
  );

  it('shows the warm-up’s seconds on every cell, says so, and is an emulation hot spot', () => {
    const fact = dockerfileFacts(dockerfile, ['a', 'b'], records).find((f) => f.line === heavy)!;
    assert.equal(
      fact.summary,
      'amd64 3.5 s · arm64 26.0 s (QEMU 7.4×) · cached in 0/4 cells · ran once in the shared warm-up (amd64, arm64)',
    );
    assert.deepEqual(
      fact.hotSpots.map((h) => [h.variant, h.platform, h.factor]),
      [
        ['a', 'linux/arm64', 7.4],
        ['b', 'linux/arm64', 7.4],
      ],
    );
    assert.match(lineFactsMarkdown(fact), /\| a \| 3\.5 s in warm-up \| 26\.0 s in warm-up \(QEMU\) \|/);
    // The variants' own steps stay cached.
    const own = dockerfileFacts(dockerfile, ['a', 'b'], records).find((f) => f.instruction.startsWith('RUN printf'))!;
    assert.equal(own.summary, 'amd64 cached · arm64 cached (QEMU) · cached in 4/4 cells');
  });
});
