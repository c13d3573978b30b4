/**
 * Reliability by hand: N cold Build Alls of a fixture on podman in a row, as the CLI runs them.
 *   node --import tsx bench/cold-runs.ts [N] [shared-base|heavy-shared|python-service]   # default 10 shared-base
 * shared-base and heavy-shared build in the shared store, each FROM a base no store has seen (pushColdBase),
 * as test/engines/schedule.test.ts does five times; heavy-shared adds the warm-ups, the split jobs and the
 * emulation reserve. python-service builds each run in an image store of its own (bench/coldStore.ts), FROM
 * the Python base setup pushed: pulls, the shared-prefix warm-ups under QEMU, and the variants' pip installs.
 * Prints each run and the count. Needs scripts/setup/20-engines.sh (and 30-python-base.sh) (root).
 */
import { BuildRunner } from '../src/core/build/runner';
import { programsFromEnv } from '../src/core/engines/detect';
import { buildPlan } from '../src/core/matrix/plan';
import {
  env as sharedEnv,
  projectWorkspace,
  pushColdBase,
  removeColdBase,
  type Project,
} from '../test/engines/helpers';
import { cold } from './coldStore';

async function coldRun(project: Project) {
  if (project === 'python-service') return cold('podman', project);
  const base = await pushColdBase();
  const config = await projectWorkspace(project, base);
  return { config, env: sharedEnv, cleanup: () => removeColdBase(base) };
}

async function main() {
  let pass = 0;
  const runs = Number(process.argv[2] ?? 10);
  const project = (process.argv[3] ?? 'shared-base') as Project;
  for (let i = 1; i <= runs; i++) {
    const { config, env, cleanup } = await coldRun(project);
    try {
      const plan = buildPlan(config, { engine: 'podman', canLoadManifestList: true });
      const t = performance.now();
      const runner = new BuildRunner({ programs: programsFromEnv(env), env });
      const s = await runner.run(plan, { config });
      const sec = ((performance.now() - t) / 1000).toFixed(1);
      if (s.ok) pass++;
      const problems = s.outcomes.map((o) => o.problem?.message).filter(Boolean);
      console.log(
        `run ${i}: ${s.ok ? 'ok' : 'FAILED ' + JSON.stringify(problems)} ${sec} s, ${plan.jobs.length} jobs, ${plan.warmup?.length ?? 0} warm-ups`,
      );
    } finally {
      await cleanup();
    }
  }
  console.log(`${pass}/${runs} passed`);
}
main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
