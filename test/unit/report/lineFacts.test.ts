// Per-line build facts on builds recorded from the real podman 4.3 and dockerd 20.10 BuildKit
// (test/fixtures/progress) of test/fixtures/timings-app, and on constructed records for the thresholds.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import type { StepRecord } from '../../../src/core/insight/types';
import type { BuildRecord } from '../../../src/core/results/types';
import { dockerfileFacts, type LineFact } from '../../../src/core/report/lineFacts';
import { lineFactsMarkdown, locatedHotSpots } from '../../../src/core/report/lineFactsText';
import { withSources } from '../../../src/core/report/stepSources';
import { dockerRecord, recordsFrom, timedRecord, timingsAppDockerfile } from '../insight/replay';

const text = readFileSync(timingsAppDockerfile, 'utf8');
const lines = text.split('\n');
const lineOf = (prefix: string, t = text): number => t.split('\n').findIndex((l) => l.startsWith(prefix));

/** Records as the runner now writes them: each step with where it was written in `dockerfile`. */
function sourced(records: BuildRecord[], dockerfile = text): BuildRecord[] {
  return records.map((r) => ({ ...r, timing: withSources(r.timing!, dockerfile, r.engine) }));
}

const at = (facts: LineFact[], line: number): LineFact | undefined => facts.find((f) => f.line === line);

describe('Dockerfile line facts', () => {
  const cold = sourced(recordsFrom('podman-cold.txt', 'minimal', '2026-11-30T08:57:36.925Z'));
  const deps = lineOf('RUN i=0');

  it('keeps where each step was written when the build started', () => {
    const [amd] = cold;
    assert.deepEqual(
      amd!.timing!.steps.map((s) => s.source?.line),
      [
        'ARG TARGETARCH',
        'COPY rootfs-',
        'RUN i=0',
        'ARG QUEUE_BACKEND',
        'COPY --from=deps',
        'RUN printf',
        'COPY --from=compile',
        'CMD',
      ].map((p) => lineOf(p)),
    );
    assert.ok(amd!.timing!.steps.every((s) => /^[0-9a-f]{16}$/.test(s.source!.hash)));
  });

  it('gives each line its seconds per platform, the QEMU factor and the cache count', () => {
    const facts = dockerfileFacts(text, ['minimal'], cold);
    assert.deepEqual(
      facts.map((f) => f.line),
      [...facts.map((f) => f.line)].sort((a, b) => a - b),
    );
    const f = at(facts, deps)!;
    assert.equal(f.instruction, lines[deps]);
    assert.equal(f.stale, false);
    assert.deepEqual(
      f.cells.map((c) => [c.variant, c.platform, c.seconds, c.cached, c.emulated, c.position]),
      [
        ['minimal', 'linux/amd64', 2.83, false, false, 2],
        ['minimal', 'linux/arm64', 5.47, false, true, 2],
      ],
    );
    assert.equal(f.summary, 'amd64 2.8 s · arm64 5.5 s (QEMU 1.9×) · cached in 0/2 cells');
    assert.deepEqual(f.hotSpots, [], '5.5 s is not 4× 2.8 s');
    const cached = sourced(recordsFrom('podman-cached.txt', 'minimal', '2026-11-30T08:57:52.383Z'));
    assert.equal(
      at(dockerfileFacts(text, ['minimal'], [...cold, ...cached]), deps)!.summary,
      'amd64 cached · arm64 cached (QEMU) · cached in 2/2 cells',
      'the latest build of each cell counts',
    );
  });

  it('shows nothing when no variant using the file was built', () => {
    assert.deepEqual(dockerfileFacts(text, ['minimal'], []), []);
    assert.deepEqual(dockerfileFacts(text, ['redis'], cold), [], 'another variant’s builds are not this one’s');
  });

  it('follows a step when lines move, and marks a line stale once its text changed', () => {
    const moved = `# a comment\n\n${text}`;
    const f = at(dockerfileFacts(moved, ['minimal'], cold), deps + 2)!;
    assert.equal(f.stale, false);
    assert.equal(f.summary, 'amd64 2.8 s · arm64 5.5 s (QEMU 1.9×) · cached in 0/2 cells');

    const edited = text.replace('-lt 300000', '-lt 900000');
    const facts = dockerfileFacts(edited, ['minimal'], cold);
    const stale = at(facts, deps)!;
    assert.equal(stale.stale, true);
    assert.equal(stale.summary, 'stale: changed since the last build (2 cells); build again for fresh numbers');
    assert.deepEqual(stale.platforms, [], 'no old numbers shown as if current');
    assert.ok(
      facts.filter((x) => x.line !== deps).every((x) => !x.stale),
      'the other lines are unchanged',
    );
    // One cell rebuilt after the edit: its numbers are fresh, the other cell is counted apart.
    const rebuilt = sourced(recordsFrom('podman-cold.txt', 'minimal', '2026-11-30T09:10:00.000Z').slice(0, 1), edited);
    const mixed = at(dockerfileFacts(edited, ['minimal'], [...cold, ...rebuilt]), deps)!;
    assert.equal(mixed.stale, false);
    assert.equal(mixed.summary, 'amd64 2.8 s · cached in 0/1 cell · 1 cell not rebuilt since the edit');
    assert.match(lineFactsMarkdown(mixed), /\| minimal \| 2\.8 s \| 5\.5 s \(QEMU\), stale \|/);
  });

  it('places BuildKit steps (args expanded) and builds recorded before sources were kept', () => {
    const docker = [
      dockerRecord('docker-cold-amd64.txt', 'linux/amd64', '2026-11-30T08:59:00.000Z'),
      dockerRecord('docker-cold-arm64.txt', 'linux/arm64', '2026-11-30T08:59:05.832Z'),
    ];
    for (const records of [sourced(docker), docker]) {
      const facts = dockerfileFacts(text, ['minimal'], records);
      assert.deepEqual(
        facts.map((f) => f.line),
        ['COPY rootfs-', 'RUN i=0', 'COPY --from=deps', 'RUN printf', 'COPY --from=compile'].map((p) => lineOf(p)),
      );
      assert.ok(
        facts.every((f) => !f.stale && f.total === 2),
        JSON.stringify(facts.map((f) => f.summary)),
      );
      assert.match(
        at(facts, deps)!.summary,
        /^amd64 [\d.]+ s · arm64 [\d.]+ s \(QEMU [\d.]+×\) · cached in 0\/2 cells$/,
      );
    }
    // Without sources an edited line is told apart by what the engine printed.
    const edited = text.replace('-lt 300000', '-lt 900000');
    const legacy = recordsFrom('podman-cold.txt', 'minimal', '2026-11-30T08:57:36.925Z');
    assert.equal(at(dockerfileFacts(edited, ['minimal'], legacy), deps)!.stale, true);
    assert.equal(at(dockerfileFacts(text, ['minimal'], legacy), deps)!.stale, false);
  });

  it('reads each Dockerfile with the builds of the variants that use it', () => {
    const other = 'FROM scratch AS base\nARG TARGETARCH\nCOPY rootfs-${TARGETARCH}/ /\nCMD ["/bin/sh"]\n';
    const redis = sourced(recordsFrom('podman-cold.txt', 'redis', '2026-11-30T08:57:36.925Z'), other);
    const facts = dockerfileFacts(other, ['redis'], [...cold, ...redis]);
    assert.ok(facts.every((f) => f.cells.every((c) => c.variant === 'redis')));
    assert.deepEqual(
      facts.map((f) => [f.line, f.total]),
      [
        [1, 2],
        [2, 2],
        [3, 2],
      ],
    );
  });
});

describe('emulation hot spots', () => {
  const file = 'FROM python AS deps\nRUN python -m venv /opt/venv\nRUN pip install -r req.txt\nRUN sync\n';
  const step = (index: number, instruction: string, seconds: number, cached = false): StepRecord => ({
    stage: 'deps',
    index,
    instruction,
    seconds,
    cached,
  });
  const record = (variant: string, platform: string, steps: StepRecord[]): BuildRecord =>
    timedRecord({ variant, platform, timing: withSources({ seconds: 30, steps }, file, 'podman') });
  const records = ['a', 'b'].flatMap((v) => [
    record(v, 'linux/amd64', [
      step(2, 'RUN python -m venv /opt/venv', 3.5),
      step(3, 'RUN pip install -r req.txt', 3),
      step(4, 'RUN sync', 0.5),
    ]),
    record(v, 'linux/arm64', [
      step(2, 'RUN python -m venv /opt/venv', 26),
      step(3, 'RUN pip install -r req.txt', 10),
      step(4, 'RUN sync', 4.9),
    ]),
  ]);

  it('is an emulated step of at least 5 s and 4× its native time, with the numbers', () => {
    const facts = dockerfileFacts(file, ['a', 'b'], records);
    const venv = at(facts, 1)!;
    assert.equal(venv.summary, 'amd64 3.5 s · arm64 26.0 s (QEMU 7.4×) · cached in 0/4 cells');
    assert.deepEqual(venv.hotSpots, [
      { variant: 'a', platform: 'linux/arm64', native: 'linux/amd64', seconds: 26, nativeSeconds: 3.5, factor: 7.4 },
      { variant: 'b', platform: 'linux/arm64', native: 'linux/amd64', seconds: 26, nativeSeconds: 3.5, factor: 7.4 },
    ]);
    assert.deepEqual(at(facts, 2)!.hotSpots, [], '10 s but only 3.3×');
    assert.deepEqual(at(facts, 3)!.hotSpots, [], '9.8× but under 5 s');
    const md = lineFactsMarkdown(venv);
    assert.match(md, /\| Variant \| amd64 \| arm64 \|\n\| --- \| --- \| --- \|\n\| a \| 3\.5 s \| 26\.0 s \(QEMU\) \|/);
    assert.equal(
      md.split('under QEMU this step took').length - 1,
      1,
      'the hot-spot sentence is said once for the line, not once per variant',
    );
    assert.match(
      md,
      /Emulation hot spot: under QEMU this step took 26\.0 s on linux\/arm64 against 3\.5 s on linux\/amd64 \(7\.4×\) in variant a; also in b/,
    );
  });

  it('is compared with the native run of another variant when its own was cached', () => {
    const mixed = [
      record('a', 'linux/amd64', [step(2, 'RUN python -m venv /opt/venv', 3.5)]),
      record('b', 'linux/amd64', [step(2, 'RUN python -m venv /opt/venv', 0, true)]),
      record('b', 'linux/arm64', [step(2, 'RUN python -m venv /opt/venv', 20)]),
    ];
    const [venv] = dockerfileFacts(file, ['a', 'b'], mixed);
    assert.deepEqual(
      venv!.hotSpots.map((h) => [h.variant, h.nativeSeconds, h.factor]),
      [['b', 3.5, 5.7]],
    );
    assert.equal(venv!.summary, 'amd64 3.5 s · arm64 20.0 s (QEMU 5.7×) · cached in 1/3 cells');
  });

  it('lists the hot spots of every Dockerfile with 1-based lines, slowest first', () => {
    const spots = locatedHotSpots(
      [
        { path: '/p/Dockerfile', text: file, variants: ['a', 'b'] },
        { path: '/p/gone.Dockerfile', variants: ['c'] },
      ],
      records,
    );
    assert.deepEqual(
      spots.map((s) => [s.dockerfile, s.line, s.instruction, s.variant, s.factor]),
      [
        ['/p/Dockerfile', 2, 'RUN python -m venv /opt/venv', 'a', 7.4],
        ['/p/Dockerfile', 2, 'RUN python -m venv /opt/venv', 'b', 7.4],
      ],
    );
  });
});
