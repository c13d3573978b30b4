/**
 * Build All Architectures versus the seed's shell loop and a naive parallel run, same engine, cold stores.
 *   npx tsx bench/build-all.ts [--engines podman,docker] [--project heavy-shared|shared-base]
 * The project is a fixture under test/fixtures/projects (default heavy-shared: a registry base, a heavy
 * shared stage, a compile stage, a light variant layer; 3 variants × linux/amd64 + linux/arm64, arm64 under
 * QEMU). Contenders, each on a cold cache:
 * - loop: what the seed's script did, one variant after another (podman: one
 *   `podman build --platform linux/amd64,linux/arm64 --manifest NAME` per variant; dockerd: one
 *   `docker build --platform P -t TAG` per variant and platform);
 * - naive parallel: the plan's jobs run by BuildRunner all at once, no pull or warm-up step;
 * - Build All: what the product runs (buildPlan + BuildRunner with the CLI's 3 jobs at once), with the
 *   engine's schedule (core/schedule); on dockerd also "Build All + warm-up" to check that choice.
 * Cold: podman gets an image store of its own per measurement; dockerd is shared, so every measurement
 * builds FROM a base pushed under a fresh repository name with one unique file (pushColdBase), which
 * changes every stage's cache key.
 * Lower bound: the shared stages once (the loop's first variant minus a later one), then the variant work
 * (a later variant's time × the number of variants) spread over the cores.
 * Needs scripts/setup/20-engines.sh (root): reads .cache/engines.env.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BuildRunner } from '../src/core/build/runner';
import { runProcess } from '../src/core/build/runProcess';
import type { ResolvedConfig } from '../src/core/config/types';
import { programsFromEnv } from '../src/core/engines/detect';
import { buildPlan } from '../src/core/matrix/plan';
import type { EngineKind, Plan } from '../src/core/jobs';
import { scheduleJobs } from '../src/core/schedule/schedule';
import { env as baseEnv, projectWorkspace, pushColdBase, runTag, type Project } from '../test/engines/helpers';

type Engine = Extract<EngineKind, 'podman' | 'docker'>;

interface Cold {
  config: ResolvedConfig;
  env: NodeJS.ProcessEnv;
  cleanup: () => Promise<void>;
}

/** A fixture copy on a fresh base; for podman also an image store of its own. */
async function cold(engine: Engine, project: Project): Promise<Cold> {
  const config = await projectWorkspace(project, await pushColdBase());
  if (engine === 'docker') return { config, env: baseEnv, cleanup: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), 'bench-store-'));
  await writeFile(join(dir, 'storage.conf'), `[storage]\ndriver = "overlay"\ngraphroot = "${dir}/graph"\nrunroot = "${dir}/run"\n`);
  const env = { ...baseEnv, CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf') };
  const cleanup = async () => {
    await runProcess([baseEnv.MULTIARCH_PODMAN ?? 'podman', 'rmi', '-a', '-f'], { cwd: dir, env });
    await rm(dir, { recursive: true, force: true });
  };
  return { config, env, cleanup };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The seed's loop; returns each command's wall time in order. */
async function loop(engine: Engine, project: Project): Promise<number[]> {
  const { config, env, cleanup } = await cold(engine, project);
  try {
    const commands: string[][] = [];
    for (const v of config.variants) {
      const common = ['-f', v.dockerfile, ...(v.target ? ['--target', v.target] : []), ...Object.entries(v.args).flatMap(([k, val]) => ['--build-arg', `${k}=${val}`]), v.context];
      if (engine === 'podman') {
        commands.push([env.MULTIARCH_PODMAN ?? 'podman', 'build', '--platform', v.platforms.join(','), '--manifest', `bench-loop-${runTag}-${v.name}`, ...common]);
      } else {
        for (const p of v.platforms) commands.push([env.MULTIARCH_DOCKER ?? 'docker', 'build', '--platform', p, '-t', `bench-loop-${runTag}-${v.name}-${p.split('/')[1]}`, ...common]);
      }
    }
    const times: number[] = [];
    for (const argv of commands) {
      const t = performance.now();
      const r = await runProcess(argv, { cwd: config.root, env: { ...env, DOCKER_BUILDKIT: '1' } });
      if (r.exitCode !== 0) throw new Error(`loop: ${argv.join(' ')} failed: ${r.output.slice(-2000)}`);
      times.push(performance.now() - t);
    }
    return times;
  } finally {
    await cleanup();
  }
}

async function run(engine: Engine, project: Project, planFor: (config: ResolvedConfig) => Plan, concurrency: (plan: Plan) => number): Promise<number> {
  const { config, env, cleanup } = await cold(engine, project);
  try {
    const plan = planFor(config);
    const t = performance.now();
    const summary = await new BuildRunner({ programs: programsFromEnv(env), env, concurrency: concurrency(plan) }).run(plan, { config });
    const ms = performance.now() - t;
    if (!summary.ok) throw new Error(`${engine} run failed: ${JSON.stringify(summary.outcomes.map((o) => o.problem))}`);
    return ms;
  } finally {
    await cleanup();
  }
}

async function bench(engine: Engine, project: Project): Promise<void> {
  const cores = cpus().length;
  const plain = (config: ResolvedConfig) => buildPlan(config, { engine, canLoadManifestList: engine === 'podman', schedule: false });
  const product = (config: ResolvedConfig) => buildPlan(config, { engine, canLoadManifestList: engine === 'podman' });

  const steps = await loop(engine, project);
  const perVariant = steps.length / 3;
  const variantTimes = [0, 1, 2].map((i) => steps.slice(i * perVariant, (i + 1) * perVariant).reduce((a, b) => a + b, 0));
  const later = (variantTimes[1]! + variantTimes[2]!) / 2;
  const lowerBound = variantTimes[0]! - later + (3 * later) / cores;
  const loopMs = variantTimes.reduce((a, b) => a + b, 0);
  const naive = await run(engine, project, plain, (p) => p.jobs.length);
  const all = await run(engine, project, product, () => 3);
  const rows: Array<[string, number]> = [['loop', loopMs], ['naive parallel', naive], ['Build All', all]];
  if (engine === 'docker') {
    const warm = (config: ResolvedConfig) => {
      const p = plain(config);
      return { ...p, ...scheduleJobs(config, 'docker', p.jobs, { policy: { pull: false, warmup: true } }) };
    };
    rows.push(['Build All + warm-up', await run(engine, project, warm, () => 3)]);
  }
  console.log(`\n${engine}: loop per variant ${variantTimes.map(seconds).join(', ')}; lower bound ${seconds(lowerBound)} (${cores} cores)`);
  for (const [name, ms] of rows) {
    console.log(`  ${name.padEnd(20)} ${seconds(ms).padStart(8)}   ${(ms / loopMs).toFixed(2)}× loop   ${(ms / lowerBound).toFixed(2)}× lower bound`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { engines: { type: 'string', default: 'podman,docker' }, project: { type: 'string', default: 'heavy-shared' } } });
  const project = values.project as Project;
  console.log(`bench/build-all: ${project}, 3 variants × linux/amd64,linux/arm64, cold caches`);
  for (const engine of values.engines.split(',') as Engine[]) await bench(engine, project);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
