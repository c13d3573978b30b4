// The Build Timeline's view model on builds recorded from the real podman 4.3 and dockerd 20.10 BuildKit
// (test/fixtures/progress) of test/fixtures/timings-app: bars, orders, emulation lines, Dockerfile lines.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import type { StepRecord } from '../../../src/core/insight/types';
import { stepLines } from '../../../src/core/report/stepLines';
import { timelineModel, type VariantDockerfile } from '../../../src/core/report/timelineModel';
import { orderSteps } from '../../../src/core/report/timelineOrder';
import { emulationComparisons, timingsReport } from '../../../src/core/report/timings';
import { dockerRecord, recordsFrom, timedRecord, timingsAppDockerfile } from '../insight/replay';

const dockerfilePath = timingsAppDockerfile;
const text = readFileSync(dockerfilePath, 'utf8');
const lines = text.split('\n');
const files = new Map<string, VariantDockerfile>([['minimal', { path: dockerfilePath, text }]]);
/** The 0-based line of the first Dockerfile line starting with `prefix`. */
const lineOf = (prefix: string): number => lines.findIndex((l) => l.startsWith(prefix));

describe('Build Timeline view model', () => {
  const cold = recordsFrom('podman-cold.txt', 'minimal', '2026-11-30T08:57:36.925Z');
  const cached = recordsFrom('podman-cached.txt', 'minimal', '2026-11-30T08:57:52.383Z');

  it('shows the latest build of each cell with the totals and factor multiarch timings reports', () => {
    const [v] = timelineModel([...cold, ...cached], files);
    const report = timingsReport([...cold, ...cached]);
    assert.equal(v!.variant, 'minimal');
    assert.equal(v!.dockerfile, dockerfilePath);
    assert.deepEqual(
      v!.cells.map((c) => [c.platform, c.emulated, c.seconds, c.totalSteps, c.cachedSteps, c.startedAt]),
      report.cells.map((c) => [
        c.platform,
        c.emulated,
        c.seconds,
        c.totalSteps,
        c.cachedSteps,
        '2026-11-30T08:57:52.383Z',
      ]),
    );
    assert.equal(v!.cells[0]!.cachedLine, '8/8 steps cached (100%)');
    // Each cell carries its history for the chart: the cold build, then the cached one.
    assert.deepEqual(
      v!.cells[0]!.trend.map((b) => [b.seconds, b.cachedPercent]),
      [
        [12.38, 0],
        [0.93, 100],
      ],
    );
    assert.equal(v!.cells[0]!.trendLine, '12.4 s → 0.9 s over 2 builds; cached 0% → 100%');
    // The rebuild was all cached: the factor comes from the cold build, as in `multiarch timings`.
    const [c] = emulationComparisons(cold);
    assert.deepEqual(v!.emulation, [`linux/arm64 took ${c!.factor}× the linux/amd64 time for the same steps`]);
    assert.ok(c!.factor > 1);
  });

  it('makes bars proportional to seconds on one scale per variant, the slowest step full length', () => {
    const [v] = timelineModel(cold, files);
    const all = v!.cells.flatMap((c) => c.steps);
    const slowest = all.reduce((a, b) => (b.seconds > a.seconds ? b : a));
    assert.equal(slowest.share, 1);
    assert.equal(slowest.stage, 'deps', 'the CPU loop under QEMU is the slowest step');
    for (const s of all) assert.equal(s.share, s.seconds / slowest.seconds);
    assert.match(slowest.duration, /^\d+\.\d s$/);
  });

  it("marks the steps a cell took from its platform's shared warm-up, not a cached one", () => {
    const warmed = cold.map((r) => ({
      ...r,
      timing: { ...r.timing!, steps: r.timing!.steps.map((s, i) => (i < 2 ? { ...s, warmup: true } : s)) },
    }));
    const steps = timelineModel(warmed, files)[0]!.cells[0]!.steps.sort((a, b) => a.position - b.position);
    assert.deepEqual(
      steps.map((s) => s.warmup),
      steps.map((s) => (s.position < 2 && !s.cached ? true : undefined)),
    );
    assert.ok(steps.some((s) => s.warmup));
  });

  it('orders steps slowest first or in Dockerfile order', () => {
    const arm = timelineModel(cold, files)[0]!.cells.find((c) => c.platform === 'linux/arm64')!;
    const byFile = orderSteps(arm.steps, 'dockerfile');
    assert.deepEqual(
      byFile.map((s) => s.line),
      [...byFile.map((s) => s.line!)].sort((a, b) => a - b),
    );
    assert.deepEqual(arm.steps, byFile, 'the model keeps Dockerfile order');
    const slow = orderSteps(arm.steps, 'slowest');
    for (let i = 1; i < slow.length; i++) assert.ok(slow[i - 1]!.seconds >= slow[i]!.seconds);
    assert.equal(slow[0]!.stage, 'deps');
    // Ties keep Dockerfile order; a step without a line comes after those with one.
    const steps = [
      { position: 0, seconds: 1, line: 9 },
      { position: 1, seconds: 1, line: 3 },
      { position: 2, seconds: 5 },
      { position: 3, seconds: 0, line: 1 },
    ];
    assert.deepEqual(
      orderSteps(steps, 'dockerfile').map((s) => s.position),
      [3, 1, 0, 2],
    );
    assert.deepEqual(
      orderSteps(steps, 'slowest').map((s) => s.position),
      [2, 1, 0, 3],
    );
  });

  it('finds each podman step on its line: STEP n is the stage’s nth instruction', () => {
    const amd = timelineModel(cold, files)[0]!.cells.find((c) => c.platform === 'linux/amd64')!;
    assert.deepEqual(
      amd.steps.map((s) => [s.stage, s.instruction.split(' ')[0], s.line]),
      [
        ['base', 'ARG', lineOf('ARG TARGETARCH')],
        ['base', 'COPY', lineOf('COPY rootfs-')],
        ['deps', 'RUN', lineOf('RUN i=0')],
        ['compile', 'ARG', lineOf('ARG QUEUE_BACKEND')],
        ['compile', 'COPY', lineOf('COPY --from=deps')],
        ['compile', 'RUN', lineOf('RUN printf')],
        ['stage-3', 'COPY', lineOf('COPY --from=compile')],
        ['stage-3', 'CMD', lineOf('CMD')],
      ],
    );
  });

  it('finds each BuildKit step by its text: numbered without FROM/ARG, args expanded', () => {
    const arm = dockerRecord('docker-cold-arm64.txt', 'linux/arm64', '2026-11-30T08:59:05.832Z');
    const steps = timelineModel([arm], files)[0]!.cells[0]!.steps;
    assert.deepEqual(
      steps.map((s) => [s.stage, s.index, s.instruction.slice(0, 20), s.line]),
      [
        ['base', 1, 'COPY rootfs-arm64/ /', lineOf('COPY rootfs-')],
        ['deps', 1, 'RUN i=0; while [ $i ', lineOf('RUN i=0')],
        ['compile', 1, 'COPY --from=deps /de', lineOf('COPY --from=deps')],
        ['compile', 2, `RUN printf '%s %s\\n'`, lineOf('RUN printf')],
        ['stage-3', 1, 'COPY --from=compile ', lineOf('COPY --from=compile')],
      ],
    );
  });

  it('matches an instruction written over several lines, two alike in a stage in order, and nothing in another file', () => {
    const file = [
      'FROM busybox AS build',
      'RUN make \\',
      '    ARCH=x86',
      'RUN make \\',
      '    ARCH=arm',
      'FROM busybox',
      'COPY --from=build /a /a',
      '',
    ].join('\n');
    const step = (stage: string, index: number, instruction: string): StepRecord => ({
      stage,
      index,
      instruction,
      seconds: 1,
      cached: false,
    });
    assert.deepEqual(
      stepLines(
        file,
        [
          step('build', 1, 'RUN make ARCH=x86'),
          step('build', 2, 'RUN make ARCH=arm'),
          step('stage-1', 1, 'COPY --from=build /a /a'),
        ],
        'docker',
      ),
      [1, 3, 6],
    );
    const twice = 'FROM busybox\nRUN sync\nRUN sync\n';
    assert.deepEqual(
      stepLines(twice, [step('', 1, 'RUN sync'), step('', 2, 'RUN sync')], 'docker'),
      [1, 2],
      'the second identical step takes the next free instruction',
    );
    // podman's index points at the stage's nth instruction; a keyword that does not fit falls back to the text.
    assert.deepEqual(
      stepLines(file, [step('build', 3, 'RUN make ARCH=arm'), step('build', 1, 'RUN make ARCH=x86')], 'podman'),
      [3, 1],
    );
    assert.deepEqual(stepLines('FROM busybox\nCMD ["sh"]\n', [step('', 1, 'RUN apk add git')], 'docker'), [undefined]);
    // A step without a line (Dockerfile unreadable) still shows, with no line to open.
    const [v] = timelineModel(cold, new Map([['minimal', { path: '/gone/Dockerfile' }]]));
    assert.ok(v!.cells[0]!.steps.every((s) => s.line === undefined));
    assert.equal(v!.dockerfile, '/gone/Dockerfile');
  });

  it('lists variants in config order and leaves out builds without recorded steps', () => {
    const redis = recordsFrom('podman-cold.txt', 'redis', '2026-11-30T08:57:36.925Z');
    const untimed = timedRecord({ variant: 'sqs', platform: 'linux/amd64', startedAt: '2026-11-30T09:00:00Z' });
    assert.deepEqual(
      timelineModel([...cold, ...redis, untimed], files, ['redis', 'minimal', 'sqs']).map((v) => v.variant),
      ['redis', 'minimal'],
    );
  });
});
