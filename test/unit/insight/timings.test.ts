import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as timings } from '../../../src/cli/commands/timings';
import { capturingIO } from '../helpers/cliIO';
import {
  emulationComparisons,
  emulationLine,
  timingLabel,
  timingsReport,
  timingsText,
} from '../../../src/core/report/timings';
import { ResultsStore } from '../../../src/core/results/store';
import { emulationSection } from '../../../src/core/report/timingSections';
import { withSources } from '../../../src/core/report/stepSources';
import type { BuildRecord } from '../../../src/core/results/types';
import { recordsFrom, timedRecord } from './replay';

describe('timings of recorded builds', () => {
  const cold = recordsFrom('podman-cold.txt', 'minimal', '2026-11-30T08:57:36.925Z');
  const cached = recordsFrom('podman-cached.txt', 'minimal', '2026-11-30T08:57:52.383Z');

  it('reports the latest build of each cell with its steps and cache share', () => {
    const r = timingsReport([...cold, ...cached]);
    assert.deepEqual(
      r.cells.map((c) => [c.platform, c.totalSteps, c.cachedSteps, c.emulated]),
      [
        ['linux/amd64', 8, 8, false],
        ['linux/arm64', 8, 8, true],
      ],
    );
    assert.deepEqual(Object.keys(r.cells[0]!.steps[0]!).sort(), ['cached', 'instruction', 'seconds', 'stage']);
    // The all-cached rebuild has no step that ran on both platforms: the factor comes from the cold build.
    assert.deepEqual(r.emulation, timingsReport(cold).emulation);
    assert.deepEqual(timingsReport(cached).emulation, [], 'nothing ran: no factor rather than a made-up one');
    assert.equal(timingLabel(cached[0]!), '0.9 s · 100% cached');
  });

  it('compares the steps that ran on both platforms: emulated seconds ÷ native seconds', () => {
    const [c] = emulationComparisons(cold);
    assert.equal(c!.platform, 'linux/arm64');
    assert.equal(c!.native, 'linux/amd64');
    assert.equal(c!.steps[0]!.step.stage, 'deps', 'the heavy loop is the slowest emulated step');
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const expected = sum(c!.steps.map((s) => s.step.seconds)) / sum(c!.steps.map((s) => s.nativeSeconds));
    assert.equal(c!.factor, Math.round(expected * 10) / 10);
    assert.ok(c!.factor > 1);
    assert.deepEqual(timingsReport(cold).emulation, [
      { variant: 'minimal', platform: 'linux/arm64', factor: c!.factor },
    ]);
  });
});

describe('an emulation factor measured while other builds shared the cores (records without step start times)', () => {
  // Records written before steps kept their start time: only the builds' spans say what overlapped.
  const legacy = (records: BuildRecord[]): BuildRecord[] =>
    records.map((r) => ({ ...r, timing: { ...r.timing!, steps: r.timing!.steps.map(({ at: _at, ...s }) => s) } }));
  const alone = legacy(recordsFrom('podman-cold.txt', 'minimal', '2026-11-30T08:57:36.925Z'));
  const later = legacy(recordsFrom('podman-cold.txt', 'minimal', '2026-11-30T09:30:00.000Z'));
  // Another variant's build that ran at the same time as the later one (its span overlaps).
  const beside = legacy(recordsFrom('podman-cold.txt', 'redis', '2026-11-30T09:30:05.000Z'));

  it('says so next to the number, in the CLI text and the report line', () => {
    // One core: the other build's steps took its share of it.
    const [c] = emulationComparisons(
      [...later, ...beside].filter((r) => r.variant === 'minimal' || r.platform === 'linux/amd64'),
      1,
    );
    assert.equal(c!.contended, 1);
    assert.match(
      emulationLine(c!),
      /the same steps \(measured while 1 other build shared the cores; alone the factor is higher\)$/,
    );
    const report = timingsReport([...later, ...beside], undefined, 1);
    assert.deepEqual(
      report.emulation.map((e) => [e.variant, e.contended]),
      [
        ['minimal', 1],
        ['redis', 1],
      ],
    );
    assert.match(
      timingsText(report),
      /minimal: linux\/arm64 took [\d.]+× the native time for the same steps \(measured while 1 other build/,
    );
  });

  it('prefers an older comparison of builds that ran alone; one job’s own platforms never count', () => {
    const [c] = emulationComparisons([...alone, ...later, ...beside], 1);
    assert.equal(c!.contended, undefined);
    assert.equal(c!.steps.length > 0, true);
    assert.equal(timingsReport(alone, undefined, 1).emulation[0]!.contended, undefined);
  });
});

describe('an emulation factor from the steps that had a core of their own', () => {
  const t0 = Date.parse('2026-12-05T10:00:00.000Z');
  /** A succeeded record whose steps are [stage, index, start (s after t0), seconds]. */
  const rec = (
    variant: string,
    platform: string,
    steps: Array<[string, number, number, number] | [string, number, number, number, 'warm-up']>,
  ): BuildRecord =>
    timedRecord({
      variant,
      platform,
      startedAt: new Date(t0 + steps[0]![2] * 1000).toISOString(),
      durationMs: 100_000,
      timing: {
        seconds: 100,
        steps: steps.map(([stage, index, at, seconds, warmup]) => ({
          stage,
          index,
          instruction: `RUN step ${index}`,
          seconds,
          cached: false,
          at: t0 + at * 1000,
          ...(warmup ? { warmup: true } : {}),
        })),
      },
    });
  // A Build All on 2 cores: the shared prefix warmed once per platform side by side (each warm-up step is in
  // every cell it served), the native variant steps one at a time beside the emulated warm-up, then the three
  // emulated variant steps at once (each at two thirds of its speed).
  const warmArm: Array<[string, number, number, number]> = [
    ['builder', 1, 0, 26],
    ['builder', 2, 26, 40],
  ];
  const warmAmd: Array<[string, number, number, number]> = [
    ['builder', 1, 0, 3.5],
    ['builder', 2, 3.5, 6],
  ];
  const buildAll = ['a', 'b', 'c'].flatMap((v, i) => [
    rec(v, 'linux/amd64', [...warmAmd, ['builder', 3, 10 + i * 4, 4]]),
    rec(v, 'linux/arm64', [...warmArm, ['builder', 3, 66 + i / 10, 60]]),
  ]);
  const shared = (steps: Array<[string, number, number, number]>) =>
    steps.map(([stage, index, at, seconds]): [string, number, number, number, 'warm-up'] => [
      stage,
      index,
      at,
      seconds,
      'warm-up',
    ]);

  it('counts the emulated steps that ran three at once at their share of the cores, the warm-ups whole', () => {
    const [a] = emulationComparisons(buildAll, 2);
    assert.equal(a!.variant, 'a');
    assert.equal(a!.contended, undefined);
    assert.deepEqual(
      a!.steps.map((s) => s.step.index),
      [3, 2, 1],
      'every step both platforms ran, the variant’s own included',
    );
    const own = a!.steps.find((s) => s.step.index === 3)!;
    assert.equal(own.step.seconds, 60, 'the step as it ran');
    // 0.1 s alone, 0.1 s beside b's, then beside b's and c's: two cores for three steps.
    assert.ok(Math.abs(own.counted!.seconds - (0.1 + 0.1 + 59.8 * (2 / 3))) < 1e-6);
    assert.equal(own.counted!.nativeSeconds, 4, 'the native step had a core: counted whole');
    assert.equal(a!.steps.find((s) => s.step.index === 1)!.counted, undefined);
    assert.equal(a!.factor, 7.9); // (26 + 40 + 40) / (3.5 + 6 + 4); as the steps ran, 9.3; the warm-ups only, 6.9
    assert.deepEqual(a!.scaled, { steps: 1, of: 3 });
  });

  it('says the factor is an estimate, in the CLI text, the report line and --json', () => {
    // The same run as recorded: the warm-up's steps are in each cell it served, marked as the warm-up's.
    const recorded = ['a', 'b', 'c'].flatMap((v, i) => [
      rec(v, 'linux/amd64', [...shared(warmAmd), ['builder', 3, 10 + i * 4, 4]]),
      rec(v, 'linux/arm64', [...shared(warmArm), ['builder', 3, 66 + i / 10, 60]]),
    ]);
    const [a] = emulationComparisons(recorded, 2);
    assert.equal(a!.factor, 7.9);
    assert.match(
      emulationLine(a!),
      /same steps \(estimated: 1 of 3 steps shared the cores with more builds than cores, their times counted at their share of the cores\)$/,
    );
    const report = timingsReport(recorded, ['a'], 2);
    assert.deepEqual(report.emulation, [
      { variant: 'a', platform: 'linux/arm64', factor: 7.9, scaled: { steps: 1, of: 3 } },
    ]);
    assert.match(timingsText(report), /a: linux\/arm64 took 7\.9× .*\(estimated: 1 of 3 steps/);
    const section = emulationSection(recorded, 2).join('\n');
    assert.match(
      section,
      /\*\*a\*\*: linux\/arm64 took 7\.9× the linux\/amd64 time for the same steps \(estimated: 1 of 3/,
    );
    assert.match(
      section,
      /`\[builder\] RUN step 3`: 1 min 00 s emulated, 4\.0 s native \(beside more builds than cores: counted as 40\.1 s and 4\.0 s\)/,
    );
    // Variant a alone: its own step had a core too, so the factor is measured and says nothing more.
    const [alone] = emulationComparisons(
      recorded.filter((r) => r.variant === 'a'),
      2,
    );
    assert.equal(alone!.factor, 9.3); // (26 + 40 + 60) / 13.5
    assert.equal(alone!.scaled, undefined);
    assert.doesNotMatch(emulationLine(alone!), /\(/);
  });

  it('keeps a long step that others crowded only for a moment (one build handing over to the next)', () => {
    // The native variant steps overlap by 0.3 s as one build ends and the next starts: for 0.6 of its 26 s
    // the emulated warm-up's first step had two others beside it on 2 cores, and still had its core.
    const handover = ['a', 'b', 'c'].flatMap((v, i) => [
      rec(v, 'linux/amd64', [...warmAmd, ['builder', 3, 10 + i * 4, 4.3]]),
      rec(v, 'linux/arm64', [...warmArm, ['builder', 3, 66 + i / 10, 60]]),
    ]);
    const [a] = emulationComparisons(handover, 2);
    assert.equal(a!.contended, undefined);
    assert.deepEqual(a!.scaled, { steps: 1, of: 3 }, 'the three emulated steps at once, not the handovers');
    assert.equal(a!.steps.find((s) => s.step.index === 1)!.counted, undefined);
  });

  it('a step timed at 0 s on both platforms (an ENV) counts as nothing and crowds nothing', () => {
    const withEnv = ['a', 'b', 'c'].flatMap((v, i) => [
      rec(v, 'linux/amd64', [...warmAmd, ['builder', 3, 10 + i * 4, 4], ['builder', 4, 14 + i * 4, 0]]),
      rec(v, 'linux/arm64', [...warmArm, ['builder', 3, 66 + i / 10, 60], ['builder', 4, 126 + i / 10, 0]]),
    ]);
    const [a] = emulationComparisons(withEnv, 2);
    assert.equal(a!.contended, undefined);
    assert.equal(a!.factor, 7.9);
    assert.deepEqual(a!.scaled, { steps: 1, of: 4 });
  });

  it('on one core, a step beside another counts at half its seconds, on both platforms', () => {
    const [a] = emulationComparisons(buildAll, 1);
    assert.equal(
      a!.contended,
      undefined,
      'the steps’ own times say who shared the core; the builds’ spans are not needed',
    );
    // Every warm-up step ran beside the other platform's, every native variant step beside the emulated warm-up.
    assert.deepEqual(a!.scaled, { steps: 3, of: 3 });
    const first = a!.steps.find((s) => s.step.index === 1)!;
    // The emulated one: half beside the native warm-up (9.5 s) and the three native variant steps (12 s), whole
    // for the rest of its 26 s.
    assert.deepEqual(first.counted, { seconds: 9.5 / 2 + 12 / 2 + 4.5, nativeSeconds: 3.5 / 2 });
  });

  it('prefers an older comparison that needed no estimate over a newer one that did', () => {
    const later = (r: BuildRecord): BuildRecord => ({
      ...r,
      startedAt: new Date(Date.parse(r.startedAt) + 3600_000).toISOString(),
      timing: { ...r.timing!, steps: r.timing!.steps.map((s) => ({ ...s, at: s.at! + 3600_000 })) },
    });
    const aloneBefore = buildAll.filter((r) => r.variant === 'a');
    const [a] = emulationComparisons([...aloneBefore, ...buildAll.map(later)], 2);
    assert.equal(a!.scaled, undefined);
    assert.equal(a!.factor, 9.3);
  });

  it('counts a warm-up step shared by several cells once', () => {
    // Only the emulated warm-up and the native one overlap: one other step, on 2 cores a core each.
    const recorded = ['a', 'b', 'c'].flatMap((v, i) => [
      rec(v, 'linux/amd64', [...shared(warmAmd), ['builder', 3, 10 + i * 4, 4]]),
      rec(v, 'linux/arm64', [...shared(warmArm), ['builder', 3, 66 + i * 70, 60]]),
    ]);
    const [a] = emulationComparisons(recorded, 2);
    assert.equal(a!.scaled, undefined);
    assert.equal(a!.factor, 9.3, 'the variant steps one after the other: each had a core');
    // Listed under each cell it served, with the warm-up's seconds, and said to have run once.
    const text = timingsText(timingsReport(recorded, ['a'], 2));
    assert.match(text, /\n {2}\s*[\d.]+ s {2}\[builder\] RUN step 1 {2}\(ran once in the shared warm-up\)\n/);
    assert.match(text, /\n {2}\s*[\d.]+ s {2}\[builder\] RUN step 3\n/, 'a variant step is not marked');
  });
});

describe('multiarch timings', () => {
  let root: string;
  const io = () => capturingIO(root);
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'cli-timings-'));
    writeFileSync(join(root, 'Dockerfile'), 'FROM scratch\n');
    writeFileSync(
      join(root, 'multiarch.yaml'),
      'image: demo\nplatforms: [linux/amd64, linux/arm64]\nvariants:\n  minimal: {}\n  redis: {}\n',
    );
    await ResultsStore.forRoot(root).append([
      ...recordsFrom('podman-cold.txt', 'minimal', '2026-11-30T08:57:36.925Z'),
      ...recordsFrom('podman-partial.txt', 'redis', '2026-11-30T08:57:55.172Z'),
    ]);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('--json prints the documented shape; --variant filters', async () => {
    const o = io();
    assert.equal(await timings(['--json', '--variant', 'minimal'], o), 0, o.stderr);
    const doc = JSON.parse(o.stdout) as { cells: Record<string, unknown>[]; emulation: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(doc), ['cells', 'emulation', 'hotSpots']);
    assert.deepEqual(
      doc.cells.map((c) => Object.keys(c)),
      Array(2).fill(['variant', 'platform', 'seconds', 'totalSteps', 'cachedSteps', 'emulated', 'steps']),
    );
    assert.deepEqual(
      doc.cells.map((c) => c.variant),
      ['minimal', 'minimal'],
    );
    assert.deepEqual(Object.keys(doc.emulation[0]!), ['variant', 'platform', 'factor']);
  });

  it('prints a readable summary, and says what to do when nothing was built', async () => {
    const o = io();
    assert.equal(await timings([], o), 0);
    assert.match(o.stdout, /redis on linux\/arm64 \(emulated\): [\d.]+ s, 5\/8 steps cached \(63%\)/);
    assert.match(o.stdout, /minimal: linux\/arm64 took [\d.]+× the native time/);
    rmSync(join(root, '.multiarch'), { recursive: true });
    const empty = io();
    assert.equal(await timings([], empty), 0);
    assert.match(empty.stdout, /run "multiarch build" first/);
    const bad = io();
    assert.equal(await timings(['--variant', 'nope'], bad), 2);
  });

  it('--json lists the emulation hot spots with their Dockerfile line; the text names them too', async () => {
    const dockerfile = 'FROM scratch AS deps\nRUN python -m venv /opt/venv\nRUN sync\n';
    writeFileSync(join(root, 'Dockerfile'), dockerfile);
    const rec = (platform: string, venv: number): BuildRecord =>
      timedRecord({
        platform,
        timing: withSources(
          {
            seconds: venv + 1,
            steps: [
              { stage: 'deps', index: 2, instruction: 'RUN python -m venv /opt/venv', seconds: venv, cached: false },
              { stage: 'deps', index: 3, instruction: 'RUN sync', seconds: 1, cached: false },
            ],
          },
          dockerfile,
          'podman',
        ),
      });
    await ResultsStore.forRoot(root).append([rec('linux/amd64', 3.5), rec('linux/arm64', 26)]);
    const o = io();
    assert.equal(await timings(['--json'], o), 0, o.stderr);
    const doc = JSON.parse(o.stdout) as { hotSpots: Record<string, unknown>[] };
    assert.deepEqual(doc.hotSpots, [
      {
        dockerfile: join(root, 'Dockerfile'),
        line: 2,
        instruction: 'RUN python -m venv /opt/venv',
        variant: 'minimal',
        platform: 'linux/arm64',
        native: 'linux/amd64',
        seconds: 26,
        nativeSeconds: 3.5,
        factor: 7.4,
      },
    ]);
    const text = io();
    assert.equal(await timings([], text), 0);
    assert.match(
      text.stdout,
      /Emulation hot spots:\n {2}Dockerfile:2: RUN python -m venv \/opt\/venv: under QEMU this step took 26\.0 s on linux\/arm64 against 3\.5 s on linux\/amd64 \(7\.4×\) in variant minimal\n/,
    );
  });

  it('--history gives each cell its recorded builds, as JSON or sparklines', async () => {
    await ResultsStore.forRoot(root).append(recordsFrom('podman-cached.txt', 'minimal', '2026-11-30T08:58:00.000Z'));
    const o = io();
    assert.equal(await timings(['--history', '--json', '--variant', 'minimal'], o), 0, o.stderr);
    const doc = JSON.parse(o.stdout) as { cells: { variant: string; platform: string; builds: unknown[] }[] };
    assert.deepEqual(
      doc.cells.map((c) => [c.variant, c.platform, c.builds]),
      ['linux/amd64', 'linux/arm64'].map((platform, i) => [
        'minimal',
        platform,
        [
          {
            startedAt: '2026-11-30T08:57:36.925Z',
            status: 'succeeded',
            seconds: [12.38, 8.78][i],
            cachedPercent: 0,
          },
          {
            startedAt: '2026-11-30T08:58:00.000Z',
            status: 'succeeded',
            seconds: [0.93, 1.04][i],
            cachedPercent: 100,
          },
        ],
      ]),
    );
    const text = io();
    assert.equal(await timings(['--history'], text), 0);
    assert.match(
      text.stdout,
      /^minimal on linux\/amd64: 2 builds, 12\.4 s → 0\.9 s\n {2}time {3}█▂ {2}oldest → newest\n {2}cached ▁█ {2}0% 100%\n/,
    );
    rmSync(join(root, '.multiarch'), { recursive: true });
    const empty = io();
    assert.equal(await timings(['--history'], empty), 0);
    assert.match(empty.stdout, /run "multiarch build" first/);
  });
});
