/**
 * Reliability by hand: N cold Build Alls of a fixture (default shared-base) on podman (the shared store) in a
 * row, each FROM a base no store has seen (pushColdBase), as test/engines/schedule.test.ts does five times.
 * Prints each run and the count. heavy-shared adds the warm-ups, the split jobs and the emulation reserve.
 *   node --import tsx bench/cold-runs.ts [N] [shared-base|heavy-shared]   # default 10; needs scripts/setup/20-engines.sh (root)
 */
import { BuildRunner } from '../src/core/build/runner';
import { programsFromEnv } from '../src/core/engines/detect';
import { buildPlan } from '../src/core/matrix/plan';
import { env, projectWorkspace, pushColdBase, type Project } from '../test/engines/helpers';

async function main() {
  let pass = 0;
  const runs = Number(process.argv[2] ?? 10);
  const project = (process.argv[3] ?? 'shared-base') as Project;
  for (let i = 1; i <= runs; i++) {
    const base = await pushColdBase();
    const config = await projectWorkspace(project, base);
    const plan = buildPlan(config, { engine: 'podman', canLoadManifestList: true });
    const t = performance.now();
    const s = await new BuildRunner({ programs: programsFromEnv(env), env, concurrency: 3 }).run(plan, { config });
    const sec = ((performance.now() - t) / 1000).toFixed(1);
    if (s.ok) pass++;
    console.log(
      `run ${i}: ${s.ok ? 'ok' : 'FAILED ' + JSON.stringify(s.outcomes.map((o) => o.problem?.message))} ${sec} s, ${plan.jobs.length} jobs, split ${plan.jobs.every((j) => j.parts)}`,
    );
  }
  console.log(`${pass}/${runs} passed`);
}
main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
