import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as timings } from '../../../src/cli/commands/timings';
import type { CliIO } from '../../../src/cli/io';
import { emulationComparisons, timingLabel, timingsReport } from '../../../src/core/report/timings';
import { ResultsStore } from '../../../src/core/results/store';
import { recordsFrom } from './replay';

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

describe('multiarch timings', () => {
  let root: string;
  const io = () => {
    const o = {
      cwd: root,
      env: {},
      stdout: '',
      stderr: '',
      out: (t: string) => void (o.stdout += t),
      err: (t: string) => void (o.stderr += t),
    };
    return o as CliIO & { stdout: string; stderr: string };
  };
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
    assert.deepEqual(Object.keys(doc), ['cells', 'emulation']);
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
});
