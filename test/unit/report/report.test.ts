import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { code, md } from '../../../src/core/report/markdown';
import { renderReport } from '../../../src/core/report/renderReport';
import type { ReportInput } from '../../../src/core/report/types';
import type { BuildRecord } from '../../../src/core/results/types';
import { recordsFrom } from '../insight/replay';
import { buildRecord } from '../helpers/buildRecord';

const SNAPSHOT = join(__dirname, 'report.snapshot.md');

const rec = (over: Partial<BuildRecord>): BuildRecord =>
  buildRecord({ engineVersion: '4.3.1', startedAt: '2026-11-27T05:00:00.000Z', durationMs: 40_000, ...over });

/** Two rounds of the queue-service example with podman (the second a cached rebuild), one failure, one docker variant. */
function recorded(): ReportInput {
  // Steps as podman 4.3.1 reported them for a cold build and an immediate rebuild (test/fixtures/progress).
  const [coldAmd, coldArm] = recordsFrom('podman-cold.txt', 'minimal', 'x').map((r) => r.timing);
  const [warmAmd, warmArm] = recordsFrom('podman-cached.txt', 'minimal', 'x').map((r) => r.timing);
  return {
    generatedAt: new Date('2026-11-27T06:30:00Z'),
    host: { distro: 'Debian GNU/Linux 12 (bookworm)', os: 'Linux', release: '6.1.0-28-amd64', arch: 'amd64' },
    records: [
      rec({ timing: coldAmd!, emulated: false }),
      rec({ platform: 'linux/arm64', emulated: true, timing: coldArm! }),
      rec({
        startedAt: '2026-11-27T06:00:00.000Z',
        durationMs: 2_500,
        image: 'localhost/queue:minimal',
        emulated: false,
        timing: warmAmd!,
      }),
      rec({
        platform: 'linux/arm64',
        startedAt: '2026-11-27T06:00:00.000Z',
        durationMs: 2_500,
        emulated: true,
        image: 'localhost/queue:minimal',
        timing: warmArm!,
      }),
      rec({
        variant: 'redis',
        engine: 'docker',
        engineVersion: '20.10.24',
        output: 'load',
        image: 'queue:redis-amd64',
        startedAt: '2026-11-27T06:01:00.000Z',
        durationMs: 12_000,
      }),
      rec({
        variant: 'redis',
        engine: 'docker',
        engineVersion: '20.10.24',
        output: 'load',
        platform: 'linux/arm64',
        emulated: true,
        status: 'failed',
        error: 'process "/bin/sh -c make" did not complete successfully: exit code: 2\nmore',
        startedAt: '2026-11-27T06:01:12.000Z',
        durationMs: 30_000,
      }),
    ],
    sizes: [
      {
        variant: 'minimal',
        platform: 'linux/amd64',
        source: 'oci-archive',
        compressed: 1_234_567,
        uncompressed: 2_600_000,
        layers: 2,
        digest: 'sha256:aa',
      },
      {
        variant: 'minimal',
        platform: 'linux/arm64',
        source: 'oci-archive',
        compressed: 1_100_000,
        layers: 2,
        digest: 'sha256:bb',
      },
      { variant: 'redis', platform: 'linux/amd64', source: 'local', uncompressed: 9_500_000, layers: 3 },
    ],
    verify: [
      {
        variant: 'minimal',
        platform: 'linux/amd64',
        image: 'localhost/queue:minimal',
        expected: ['x86_64'],
        actual: 'x86_64',
        status: 'pass',
        at: 't',
        checks: [{ name: 'architecture', status: 'pass', output: 'x86_64', machine: 'x86_64' }],
      },
      // Written before named checks existed: read as one architecture check.
      {
        variant: 'minimal',
        platform: 'linux/arm64',
        image: 'localhost/queue:minimal',
        expected: ['aarch64'],
        actual: 'aarch64',
        status: 'pass',
        emulated: true,
        at: 't',
      },
      {
        variant: 'redis',
        platform: 'linux/amd64',
        image: 'queue:redis-amd64',
        expected: ['x86_64'],
        actual: 'x86_64',
        status: 'fail',
        at: 't',
        output: '4.0.0 x86_64',
        reason: 'redis client: output does not match ^5\\.0\\.1 ',
        checks: [
          { name: 'architecture', status: 'pass', output: 'x86_64', machine: 'x86_64' },
          {
            name: 'redis client',
            status: 'fail',
            output: '4.0.0 x86_64',
            reason: 'output does not match ^5\\.0\\.1 ',
            expect: '^5\\.0\\.1 ',
          },
          {
            name: 'python version',
            status: 'pass',
            output: 'Python: 3.11.14 | `main`\nMachine: x86_64',
            machine: 'x86_64',
          },
        ],
      },
      {
        variant: 'sqs',
        platform: 'linux/s390x',
        expected: ['s390x'],
        status: 'skipped',
        reason: 'no emulator for linux/s390x on this host',
        at: 't',
      },
    ],
    platforms: [
      { platform: 'linux/amd64', availability: 'native' },
      { platform: 'linux/arm64', availability: 'emulated' },
      { platform: 'linux/s390x', availability: 'unavailable' },
    ],
    variantArg: 'QUEUE_BACKEND',
  };
}

describe('build results report', () => {
  it('renders the recorded results as the expected Markdown (snapshot)', () => {
    const text = renderReport(recorded());
    if (process.env.UPDATE_SNAPSHOTS === '1') writeFileSync(SNAPSHOT, text);
    assert.equal(text, readFileSync(SNAPSHOT, 'utf8'));
  });

  it('says "not measured" for every figure it does not have, and invents none', () => {
    const text = renderReport({
      generatedAt: new Date('2026-11-27T06:30:00Z'),
      host: { os: 'Linux', release: '6.1', arch: 'amd64' },
      records: [{ ...rec({}), engineVersion: undefined }],
      sizes: [],
      verify: [],
      platforms: [],
    });
    assert.match(text, /\*\*Engine:\*\* podman \(version not measured\)/);
    assert.match(text, /\*\*Builder:\*\* not measured/);
    assert.match(text, /\| minimal \| amd64 \| 40\.0 s \| amd64 not measured \| amd64 not measured \|/);
    assert.match(text, /## Architecture verification\n\nnot measured: run "Verify Architectures"/);
    assert.match(
      text,
      /\| minimal \| linux\/amd64 \| 1 \| 40\.0 s \| not rebuilt yet \| built once \| steps not recorded .* \| one build \|/,
    );
    assert.doesNotMatch(text, /\d+(\.\d+)? (kB|MB|GB)/, 'no size appears without a measurement');
  });

  it('has a number in every Performance, Cache and Emulation row of a timed two-round build', () => {
    const input = recorded();
    input.records = input.records.filter((r) => r.variant === 'minimal');
    input.sizes = input.sizes.map((r) => ({
      ...r,
      compressed: r.compressed ?? 1_000_000,
      uncompressed: r.uncompressed ?? 2_000_000,
    }));
    const text = renderReport(input);
    const section = (title: string) => text.split(`## ${title}\n\n`)[1]!.split('\n\n')[0]!.split('\n');
    const rows = (title: string) => section(title).slice(2);
    assert.equal(rows('Performance Metrics').length, 2);
    assert.equal(rows('Cache').length, 2);
    for (const row of [...rows('Performance Metrics'), ...rows('Cache')]) {
      assert.doesNotMatch(row, /not measured|not recorded|not rebuilt/, row);
      assert.match(row, /\d+\/8 steps cached \(\d+%\)/, row);
    }
    // The Cache section reads each cell's history: two builds, the cold one slower, 0% then 100% cached.
    for (const row of rows('Cache')) assert.match(row, /\| 2 \| .* \| [▁-█]{2} \(cached: 0% → 100%\) \|$/, row);
    const emulation = section('Emulation');
    assert.match(
      emulation[0]!,
      /^- \*\*minimal\*\*: linux\/arm64 took \d+(\.\d)?× the linux\/amd64 time for the same steps/,
    );
    assert.equal(
      emulation.filter((l) => /^ {2}- `.*`: [\d.]+ (s|ms) emulated, [\d.]+ (s|ms) native$/.test(l)).length,
      3,
      emulation.join('\n'),
    );
    assert.match(emulation[1]!, /\[deps\] RUN i=0; while/, 'the heavy loop is the slowest emulated step');
  });

  it('points to the EmulatedCompileStage fix when a compile step ran emulated', () => {
    const step = (seconds: number) => ({
      stage: 'build',
      index: 2,
      instruction: 'RUN go build -o /app .',
      seconds,
      cached: false,
    });
    const text = renderReport({
      ...recorded(),
      records: [
        rec({ emulated: false, timing: { seconds: 10, steps: [step(10)] } }),
        rec({ platform: 'linux/arm64', emulated: true, timing: { seconds: 118, steps: [step(118)] } }),
      ],
    });
    assert.match(text, /linux\/arm64 took 11\.8× the linux\/amd64 time/);
    assert.match(text, /Stage build compiles under emulation: MultiArch\/EmulatedCompileStage/);
  });

  it('renders an empty history without failing', () => {
    const text = renderReport({
      generatedAt: new Date(0),
      host: { os: 'Linux', release: '6', arch: 'arm64' },
      records: [],
      sizes: [],
      verify: [],
      platforms: [],
    });
    assert.match(text, /Nothing was built or verified yet\./);
    assert.match(text, /No build recorded\./);
  });

  it('shows check output as code that cannot break out of its span or its table cell', () => {
    assert.equal(code('5.0.1 aarch64'), '`5.0.1 aarch64`');
    assert.equal(code('a ``b`` c'), '```a ``b`` c```');
    assert.equal(code('`x`'), '`` `x` ``');
    assert.equal(code('a|b', true), '`a\\|b`');
    assert.equal(code('<b>x</b>\nmore'), '`<b>x</b> more`');
    assert.equal(code('  '), '');
  });

  it('names the variants table after the variant arg, or plainly without one', () => {
    const input = recorded();
    assert.match(renderReport(input), /## Queue Backend Variants Tested\n/);
    delete input.variantArg;
    assert.match(renderReport(input), /## Variants Tested\n/);
  });

  it('keeps hostile names from breaking tables or injecting HTML', () => {
    assert.equal(md('a|b'), 'a\\|b');
    assert.equal(md('<img src=x onerror=alert(1)>'), '\\<img src=x onerror=alert(1)\\>');
    assert.equal(md('line1\nline2'), 'line1 line2');
    const input = recorded();
    input.records = [rec({ variant: '"><script>alert(1)</script>|x' })];
    const text = renderReport(input);
    assert.ok(!text.includes('<script>'));
    assert.ok(text.includes('| "\\>\\<script\\>alert(1)\\</script\\>\\|x |'), text);
    assert.equal(md('_init_ x86_64'), '\\_init\\_ x86_64');
  });
});
