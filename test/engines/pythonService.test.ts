import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildRunner } from '../../src/core/build/runner';
import { runTool } from '../../src/core/engines/exec';
import { programsFromEnv } from '../../src/core/engines/detect';
import type { StepRecord } from '../../src/core/insight/types';
import { buildPlan } from '../../src/core/matrix/plan';
import { env, projectWorkspace } from './helpers';

const platforms = ['linux/amd64', 'linux/arm64'];

/** The builder stage's steps before `ARG QUEUE_BACKEND`, and the one after it, in a cell's recorded steps. */
function builderSteps(steps: StepRecord[]): { shared: StepRecord[]; variant: StepRecord | undefined } {
  const builder = steps.filter((s) => s.stage === 'builder');
  const arg = builder.findIndex((s) => s.instruction.startsWith('ARG QUEUE_BACKEND'));
  return { shared: builder.slice(0, arg).filter((s) => !s.instruction.startsWith('FROM')), variant: builder[arg + 1] };
}

describe('podman Build All on python-service: the steps every variant shares inside a varying stage', function () {
  // Python under QEMU: the arm64 warm-up alone makes a virtualenv and installs wheels for a minute or more.
  this.timeout(1_800_000);

  it('the builder stage up to the late variant ARG is built once per platform, and every variant build finds it cached', async () => {
    // An overlay store of this test's own: cold whatever other runs cached, and gone afterwards.
    const dir = await mkdtemp(join(tmpdir(), 'python-service-store-'));
    await writeFile(
      join(dir, 'storage.conf'),
      `[storage]\ndriver = "overlay"\ngraphroot = "${dir}/graph"\nrunroot = "${dir}/run"\n`,
    );
    const storeEnv = { ...env, CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf') };
    try {
      const config = await projectWorkspace('python-service');
      const plan = buildPlan(config, { engine: 'podman', canLoadManifestList: true });
      assert.deepEqual(
        plan.warmup?.map((w) => [w.stage, w.steps, w.platforms, w.cells.length]),
        [
          ['builder', 6, ['linux/amd64'], 4],
          ['builder', 6, ['linux/arm64'], 3],
        ],
      );
      const cut = plan.warmup!.flatMap((w) => Object.keys(w.files ?? {}));
      let warmupOutput = '';
      const summary = await new BuildRunner({ programs: programsFromEnv(storeEnv), env: storeEnv, concurrency: 3 }).run(
        plan,
        { config, onOutput: (job, text) => job.id.startsWith('warmup:') && (warmupOutput += text) },
      );
      assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
      // The warm-ups built the shared steps themselves (a cold store) …
      assert.match(warmupOutput, /STEP 3\/7: RUN python -m venv \/opt\/venv/);
      assert.doesNotMatch(warmupOutput, /Using cache/);
      assert.deepEqual(
        cut.filter((f) => existsSync(f)),
        [],
        'the cut Dockerfiles are removed',
      );
      // … and each of the 7 variant builds found all six of them cached, then ran its own install. A step the
      // build found cached and the warm-up ran is recorded with the warm-up's seconds, marked `warmup`
      // (insight/warmupSteps.ts credits only steps the build found cached).
      assert.equal(summary.records.length, 7);
      for (const r of summary.records) {
        const { shared, variant } = builderSteps(r.timing?.steps ?? []);
        const where = `${r.variant} ${r.platform}: ${JSON.stringify(r.timing?.steps)}`;
        assert.equal(shared.length, 6, where);
        assert.deepEqual(
          shared.filter((s) => s.warmup !== true),
          [],
          where,
        );
        assert.match(variant?.instruction ?? '', /^RUN pip install .*QUEUE_BACKEND/, where);
        assert.equal(variant?.cached, false, where);
      }
      assert.deepEqual([...new Set(summary.records.map((r) => r.platform))].sort(), platforms);
    } finally {
      await runTool(['podman', 'rmi', '-a', '-f'], { env: storeEnv, timeoutMs: 300_000 });
      await rm(dir, { recursive: true, force: true });
    }
  });
});
