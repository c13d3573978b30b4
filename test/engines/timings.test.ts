import { strict as assert } from 'node:assert';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildRunner } from '../../src/core/build/runner';
import type { ResolvedConfig } from '../../src/core/config/types';
import { programsFromEnv } from '../../src/core/engines/detect';
import type { StepRecord } from '../../src/core/insight/types';
import { buildPlan } from '../../src/core/matrix/plan';
import type { EngineKind } from '../../src/core/jobs';
import type { BuildRecord } from '../../src/core/results/types';
import { docker, env, fixtureWorkspace, removeBuiltImages, runTag } from './helpers';

const runner = () => new BuildRunner({ programs: programsFromEnv(env), env, concurrency: 2 });
const heavy = (r: BuildRecord): StepRecord =>
  r.timing!.steps.find((s) => s.stage === 'deps' && s.instruction.startsWith('RUN'))!;

/** test/fixtures/timings-app with the heavy step made unique to this run, so its first build is cold. */
async function coldWorkspace(engine: EngineKind): Promise<ResolvedConfig> {
  const config = await fixtureWorkspace((y) => y, 'timings-app');
  const file = join(config.root, 'Dockerfile');
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace('echo "$i" > /deps-done', `echo "$i ${runTag}-${engine}" > /deps-done`));
  return config;
}

async function build(
  config: ResolvedConfig,
  engine: EngineKind,
  built: string[],
  rebuild = false,
): Promise<Record<string, BuildRecord>> {
  const plan = buildPlan(config, { engine, variants: ['minimal'], canLoadManifestList: true });
  built.push(...plan.jobs.flatMap((j) => j.tags));
  // rebuild: an unchanged podman or dockerd job is otherwise not built again at all (core/build/upToDate.ts).
  const summary = await runner().run(plan, { config, rebuild });
  assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
  return Object.fromEntries(summary.records.map((r) => [r.platform, r]));
}

for (const engine of ['podman', 'docker'] as const) {
  describe(`${engine}: per-step timings of test/fixtures/timings-app (arm64 under QEMU)`, function () {
    this.timeout(600_000);
    const built: string[] = [];
    after(() => removeBuiltImages(engine, engine === 'docker' ? docker : 'podman', built));

    it('times the heavy step per platform (arm64 slower) and an immediate rebuild is all cached', async () => {
      const config = await coldWorkspace(engine);
      const cold = await build(config, engine, built);
      const amd = cold['linux/amd64']!;
      const arm = cold['linux/arm64']!;
      for (const r of [amd, arm]) {
        assert.ok(r.timing && r.timing.steps.length >= 5, `${r.platform} has steps: ${JSON.stringify(r.timing)}`);
        assert.equal(heavy(r).cached, false, `${r.platform} heavy step ran`);
      }
      assert.ok(
        heavy(arm).seconds > heavy(amd).seconds,
        `arm64 ${heavy(arm).seconds} s > amd64 ${heavy(amd).seconds} s`,
      );

      const warm = await build(config, engine, built, true);
      for (const r of Object.values(warm)) {
        assert.equal(r.timing!.steps.length, (r.platform === 'linux/amd64' ? amd : arm).timing!.steps.length);
        assert.deepEqual(
          r.timing!.steps.filter((s) => !s.cached),
          [],
          `${r.platform}: every step cached`,
        );
      }
    });
  });
}
