import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jobRecords } from '../../../src/core/build/jobRecords';
import { resolveConfig } from '../../../src/core/config/resolve';
import { parseBuildxInspect } from '../../../src/core/engines/buildxOutput';
import { BuildxProgress } from '../../../src/core/insight/rawJsonProgress';
import { bakePlan } from '../../../src/core/matrix/bakePlan';
import { buildersOf } from '../../../src/core/report/collectReport';
import { replay } from '../insight/replay';

const fixtures = join(__dirname, '..', '..', 'fixtures');

/** A recorded command's output, without its provenance header. */
function recorded(file: string): string {
  const text = readFileSync(join(fixtures, file), 'utf8');
  return text.slice(text.indexOf('----\n') + 5);
}

/** test/fixtures/projects/queue-service, where the bake in buildx-0.10-bake-oci.txt ran (/tmp/qs). */
const config = resolveConfig(
  {
    image: 'qs-rec',
    tag: 'dev',
    variantArg: 'QUEUE_BACKEND',
    platforms: ['linux/amd64', 'linux/arm64'],
    variants: { kafka: null, redis: null, sqs: null, minimal: null },
  },
  { root: '/tmp/qs', file: '/tmp/qs/multiarch.yaml' },
);

describe('Build All as one bake: each cell its own record (buildx v0.10.5 + BuildKit v0.11.6, recorded)', () => {
  const job = bakePlan(config, { output: 'oci' }).jobs[0]!;
  const timings = replay(new BuildxProgress(job.cells!), 'buildx-0.10-bake-oci.txt');
  const builder = parseBuildxInspect(recorded('engines/buildx-0.10-inspect.txt'));
  const records = jobRecords(job, {
    status: 'succeeded',
    startedAt: new Date('2026-12-05T08:42:15Z'),
    durationMs: 11_008,
    host: 'linux/amd64',
    timings,
    version: '0.10.5',
    builder,
  });

  it('gives each cell its own seconds from its own steps, not the bake’s wall time', () => {
    assert.equal(records.length, 8);
    for (const r of records) {
      assert.ok(r.timing, `${r.variant}@${r.platform} has steps`);
      assert.equal(r.durationMs, Math.round(r.timing.seconds * 1000));
      assert.ok(r.durationMs < 11_008, `${r.variant}@${r.platform}: ${r.durationMs}`);
    }
    assert.ok(new Set(records.map((r) => r.durationMs)).size > 1);
  });

  it('never gives a cell fewer seconds than any chain of its steps took', () => {
    for (const r of records) {
      const steps = r.timing!.steps;
      const sum = steps.reduce((n, s) => n + s.seconds, 0);
      assert.ok(
        r.timing!.seconds + 0.01 >= sum,
        `${r.variant}@${r.platform}: ${r.timing!.seconds} s < ${sum} s of steps`,
      );
    }
    // The deps RUN took 1.7 s (BuildKit's DONE) though its name line arrived only 1.14 s before that DONE.
    const minimal = records.find((r) => r.variant === 'minimal' && r.platform === 'linux/amd64')!.timing!;
    assert.equal(minimal.steps.find((s) => s.stage === 'deps' && !s.cached)!.seconds, 1.7);
  });

  it('a step the targets share, printed again under another target’s name, counts for that target too', () => {
    const redis = records.find((r) => r.variant === 'redis' && r.platform === 'linux/amd64')!.timing!;
    assert.ok(redis.steps.some((s) => s.stage === 'deps' && s.index === 1 && s.cached));
  });

  it('records each cell against its variant’s archive, the builder and the QEMU platform', () => {
    for (const r of records) {
      assert.equal(r.ociPath, `/tmp/qs/.multiarch/out/${r.variant}.tar`);
      assert.equal(r.builder, 'ma-dev (remote, BuildKit v0.11.6)');
      assert.equal(r.emulated, r.platform === 'linux/arm64');
      assert.equal(r.node, undefined);
    }
    assert.equal(buildersOf(records), 'ma-dev (remote, BuildKit v0.11.6)');
  });
});
