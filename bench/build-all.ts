/**
 * Build All Architectures versus the seed's shell loop and a naive parallel run, same engine, cold stores.
 *   node --import tsx bench/build-all.ts [--engines podman,docker,buildx] [--project python-service,heavy-shared,shared-base]
 *     [--skip naive,unsplit] [--warm-runs 3] [--throughput]
 * Each project is a fixture under test/fixtures/projects (python-service: a Debian Python base, a builder
 * stage whose virtualenv and common install come before a late variant ARG, 3 variants × linux/amd64 +
 * linux/arm64 and one amd64-only; heavy-shared: a registry base, a heavy shared stage, a compile stage, a
 * light variant layer; 3 variants × linux/amd64 + linux/arm64, arm64 under QEMU). Contenders, each on a cold
 * cache, then the loop and Build All again on the warm one (the median of --warm-runs rebuilds; Build All with
 * nothing changed, where its up-to-date jobs are not built, and with --rebuild, every job from the cache), and
 * both again after a source edit (a new line in the first file under the fixture's src/, each time):
 * - loop: what the seed's script did, one variant after another (podman: one
 *   `podman build --platform linux/amd64,linux/arm64 --manifest NAME` per variant; dockerd: one
 *   `docker build --platform P -t TAG` per variant and platform; buildx: one `docker buildx build --platform
 *   linux/amd64,linux/arm64 --push -t TAG` per variant, on the current builder of $MULTIARCH_BUILDX_CONFIG);
 * - naive parallel: the plan's jobs run by BuildRunner all at once, no pull or warm-up step;
 * - Build All: what the product runs (buildPlan + BuildRunner as the CLI runs it without --jobs), with the
 *   engine's schedule (core/schedule); on podman also "Build All, unsplit" (the schedule without one build per
 *   platform), on dockerd "Build All + warm-up" and on buildx "Build All, one bake" (the whole matrix in one
 *   `docker buildx bake`, what Build All runs once the emulated shared steps are cached), to check those choices. On buildx
 *   Build All pushes like the loop (the same builder and registry). buildx is benched only where the buildx
 *   engine suites run (test/engines/buildxEnv.ts) and says why it is skipped.
 * Cold: podman gets an image store of its own per measurement; dockerd and the buildx builder are shared, so every measurement
 * builds FROM a base pushed under a fresh repository name with one unique file (pushColdBase), which
 * changes every stage's cache key.
 * Lower bound (bound.ts), from this run's own per-step timings (core/insight's parsers reading the loop's
 * output) and the fixed cost of one build measured in the same run: no schedule can finish before the
 * longest platform's shared steps plus its cheapest variant layer plus one build's fixed cost (critical
 * path), nor before all the steps and the fewest builds' fixed costs are spread over the cores (work).
 * `--throughput` also measures two builds at once on the loop's store (buildThroughput.ts) and prints the bound
 * with the work spread over that measured throughput instead of the cores.
 * Needs scripts/setup/20-engines.sh (root): reads .cache/engines.env.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { describeThroughput } from './cores';
import { BuildRunner } from '../src/core/build/runner';
import type { ResolvedConfig } from '../src/core/config/types';
import { programsFromEnv } from '../src/core/engines/detect';
import { buildPlan } from '../src/core/matrix/plan';
import { bakePlan } from '../src/core/matrix/bakePlan';
import { buildxBuildAll } from '../src/core/matrix/buildxSplit';
import { loadRegistryHosts, RegistryClient } from '../src/core/registry';
import type { CellTiming } from '../src/core/insight/types';
import { progressParser } from '../src/core/insight/progress';
import { runProcess } from '../src/core/build/runProcess';
import type { Job, Plan } from '../src/core/jobs';
import { scheduleJobs } from '../src/core/schedule/schedule';
import { lowerBound, type Bound, type RunSteps } from './bound';
import { registry, removeRunRepository, runTag, type Project } from '../test/engines/helpers';
import { findBuildx } from '../test/engines/buildxEnv';
import { buildThroughput, describeBuildThroughput, type BuildThroughput } from './buildThroughput';
import { cold, type Engine } from './coldStore';
import { median } from './stats';
import { editSource } from './sourceEdit';

/** The buildx to bench on (its environment), when the buildx engine suites would run. */
let buildx: { env: NodeJS.ProcessEnv } | undefined;
let pushed = 0;

/** A cold copy; on buildx pushing to the local registry under a repository of its own, removed by cleanup. */
async function coldCopy(engine: Engine, project: Project) {
  if (engine !== 'buildx') return { ...(await cold(engine, project)), image: undefined };
  const image = `bench-${runTag}-${++pushed}`;
  const c = await cold(engine, project, {
    env: buildx!.env,
    edit: (y) => `${y.replace(/^image: .*$/m, `image: ${image}`)}registry: ${registry}\n`,
  });
  return {
    ...c,
    image,
    cleanup: async () => {
      await removeRunRepository(`${registry}/${image}`);
      await c.cleanup();
    },
  };
}

const seconds = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);

interface LoopResult {
  /** Wall time of each variant's commands, in order. */
  variantMs: number[];
  /** Per-cell step timings parsed from each command's output (cellId → timing), per variant in order. */
  timings: Array<Record<string, CellTiming>>;
  /** Wall time of the first variant's build run again, everything cached: the fixed cost of one build. */
  fixedMs: number;
  /** The whole loop run again, everything cached. */
  warmMs: number;
  /** The whole loop run again after a source edit (editSource), when the fixture has sources to edit. */
  editMs?: number;
  /** `--throughput`: two builds at once against each alone, on the loop's store. */
  throughput?: BuildThroughput;
}

/**
 * Flushes what the previous contender wrote before the next one is timed: a cold python-service run writes a GB
 * or more (the base, every step's commit), and without this the kernel writes it out during the next contender,
 * which is always Build All after the loop. Neither pays for the other's writes.
 */
async function settleDisk(): Promise<void> {
  await runProcess(['sync'], { cwd: '/', env: process.env });
}

/** The seed's loop, timed per command with each command's steps; then one fully cached rebuild. */
async function loop(engine: Engine, project: Project): Promise<LoopResult> {
  const { config, env, cleanup, image } = await coldCopy(engine, project);
  try {
    const commands: Array<{ variant: number; argv: string[]; platforms: string[] }> = [];
    config.variants.forEach((v, i) => {
      const common = [
        '-f',
        v.dockerfile,
        ...(v.target ? ['--target', v.target] : []),
        ...Object.entries(v.args).flatMap(([k, val]) => ['--build-arg', `${k}=${val}`]),
        v.context,
      ];
      if (engine === 'podman') {
        commands.push({
          variant: i,
          platforms: v.platforms,
          argv: [
            env.MULTIARCH_PODMAN ?? 'podman',
            'build',
            '--platform',
            v.platforms.join(','),
            '--manifest',
            `bench-loop-${runTag}-${v.name}`,
            ...common,
          ],
        });
      } else if (engine === 'buildx') {
        commands.push({
          variant: i,
          platforms: v.platforms,
          argv: [
            env.MULTIARCH_DOCKER ?? 'docker',
            'buildx',
            'build',
            '--progress=plain',
            '--platform',
            v.platforms.join(','),
            '--push',
            '-t',
            `${registry}/${image}:${v.name}`,
            ...common,
          ],
        });
      } else {
        for (const p of v.platforms) {
          commands.push({
            variant: i,
            platforms: [p],
            argv: [
              env.MULTIARCH_DOCKER ?? 'docker',
              'build',
              '--progress=plain',
              '--platform',
              p,
              '-t',
              `bench-loop-${runTag}-${v.name}-${p.split('/')[1]}`,
              ...common,
            ],
          });
        }
      }
    });
    const variantMs = config.variants.map(() => 0);
    const timings: LoopResult['timings'] = config.variants.map(() => ({}));
    const runOne = async (c: (typeof commands)[number]) => {
      const job: Job = {
        id: 'loop',
        engine,
        variant: config.variants[c.variant]!.name,
        platforms: c.platforms,
        output: 'load',
        tags: [],
        argv: c.argv,
        cwd: config.root,
      };
      const parser = progressParser(job);
      const t = performance.now();
      const r = await runProcess(c.argv, {
        cwd: config.root,
        env: { ...env, DOCKER_BUILDKIT: '1' },
        onOutput: (text) => parser.feed(text, performance.now()),
      });
      if (r.exitCode !== 0) throw new Error(`loop: ${c.argv.join(' ')} failed: ${r.output.slice(-2000)}`);
      return { ms: performance.now() - t, timing: parser.finish(performance.now()) };
    };
    await settleDisk();
    for (const c of commands) {
      const { ms, timing } = await runOne(c);
      variantMs[c.variant]! += ms;
      Object.assign(timings[c.variant]!, timing);
    }
    let fixedMs = 0;
    const warmRuns: number[] = [];
    for (let i = 0; i < warmRepeats; i++) {
      await settleDisk();
      let warmMs = 0;
      for (const c of commands) {
        const { ms } = await runOne(c);
        if (c === commands[0] && i === 0) fixedMs = ms;
        warmMs += ms;
      }
      warmRuns.push(warmMs);
    }
    const editRuns: number[] = [];
    for (let i = 0; i < warmRepeats && (await editSource(config.root)); i++) {
      await settleDisk();
      let ms = 0;
      for (const c of commands) ms += (await runOne(c)).ms;
      editRuns.push(ms);
    }
    await settleDisk();
    const throughput = measureThroughput ? await buildThroughput(engine, config, env) : undefined;
    return {
      variantMs,
      timings,
      fixedMs,
      warmMs: median(warmRuns),
      ...(editRuns.length ? { editMs: median(editRuns) } : {}),
      ...(throughput ? { throughput } : {}),
    };
  } finally {
    await cleanup();
  }
}

/**
 * Warm runs per contender, the median reported (`--warm-runs`): a warm rebuild takes seconds, and one sample
 * swung by a second between identical runs, as much as the difference being measured.
 */
let warmRepeats = 3;

/** `--throughput`: measure two builds at once on each engine (bench/buildThroughput.ts), about a minute per row. */
let measureThroughput = false;

/** One product run: its wall time and its own step timings (warm-ups per platform, each cell's build). */
async function run(
  engine: Engine,
  project: Project,
  planFor: (config: ResolvedConfig) => Plan | Promise<Plan>,
  concurrency: (plan: Plan) => number | undefined,
  warm = false,
): Promise<{ ms: number; steps: RunSteps; warm?: WarmRuns }> {
  const { config, env, cleanup } = await coldCopy(engine, project);
  try {
    const warmups = new Map<Job, ReturnType<typeof progressParser>>();
    await settleDisk();
    // Planning is timed too: on buildx it asks the registry and sums up the context (buildxSplit.ts).
    const t = performance.now();
    const plan = await planFor(config);
    const summary = await new BuildRunner({ programs: programsFromEnv(env), env, concurrency: concurrency(plan) }).run(
      plan,
      {
        config,
        onOutput: (job, text) => {
          if (!job.id.startsWith('warmup:')) return;
          if (!warmups.has(job))
            warmups.set(job, progressParser({ ...job, cells: undefined, variant: 'warmup' } as Job));
          warmups.get(job)!.feed(text, performance.now());
        },
      },
    );
    const ms = performance.now() - t;
    if (!summary.ok) throw new Error(`${engine} run failed: ${JSON.stringify(summary.outcomes.map((o) => o.problem))}`);
    let warmRuns: WarmRuns | undefined;
    if (warm) {
      // The same plan again on the now-warm cache, `warmRepeats` times each: with nothing changed (up-to-date
      // jobs are not built), built anyway (--rebuild: every job from the cache), and after a source edit.
      const again = async (rebuild: boolean): Promise<number> => {
        await settleDisk();
        const t2 = performance.now();
        const r = await new BuildRunner({ programs: programsFromEnv(env), env, concurrency: concurrency(plan) }).run(
          await planFor(config),
          { config, rebuild },
        );
        if (!r.ok) throw new Error(`${engine} warm run failed: ${JSON.stringify(r.outcomes.map((o) => o.problem))}`);
        return performance.now() - t2;
      };
      const times = async (before: () => Promise<boolean>, rebuild: boolean): Promise<number[]> => {
        const out: number[] = [];
        for (let i = 0; i < warmRepeats && (await before()); i++) out.push(await again(rebuild));
        return out;
      };
      const unchanged = await times(async () => true, false);
      const rebuilt = await times(async () => true, true);
      const edited = await times(() => editSource(config.root), false);
      warmRuns = {
        unchanged: median(unchanged),
        rebuild: median(rebuilt),
        ...(edited.length ? { edit: median(edited) } : {}),
      };
    }
    const shared: Record<string, number> = {};
    for (const parser of warmups.values()) {
      for (const [id, timing] of Object.entries(parser.finish(performance.now()))) {
        const platform = id.slice(id.indexOf('@') + 1);
        shared[platform] =
          (shared[platform] ?? 0) + timing.steps.filter((x) => !x.cached).reduce((a, x) => a + x.seconds, 0);
      }
    }
    const own: Record<string, number[]> = {};
    for (const r of summary.records)
      (own[r.platform] ??= []).push(
        (r.timing?.steps ?? []).filter((x) => !x.cached).reduce((a, x) => a + x.seconds, 0),
      );
    return { ms, steps: { shared, own }, ...(warmRuns ? { warm: warmRuns } : {}) };
  } finally {
    await cleanup();
  }
}

/** Build All again on the warm store (medians): nothing changed, built anyway (--rebuild), after a source edit. */
interface WarmRuns {
  unchanged: number;
  rebuild: number;
  edit?: number;
}

interface Row {
  fixture: string;
  loop: number;
  naive?: number;
  all: number;
  /**
   * podman: Build All without the per-platform split; dockerd: Build All with a warm-up in front; buildx: the
   * whole matrix in one bake.
   */
  variant?: number;
  bound: number;
  /** bound.ts `afterShared`: the critical path with its platform's other variants over the cores. */
  afterShared: number;
  /** The bound with its work term spread over the builds' measured throughput instead of the cores. */
  boundAtThroughput?: number;
  loopWarm: number;
  allWarm: WarmRuns;
  loopEdit?: number;
}

/**
 * `skip`: contenders left out to save time (`naive`, `unsplit` for podman's unsplit, dockerd's + warm-up or
 * buildx's one bake).
 */
async function bench(engine: Engine, project: Project, skip: Set<string>): Promise<Row> {
  const cores = cpus().length;
  // buildx pushes, as its loop does; Build All is then one build per variant and platform while the emulated shared
  // steps are not in the cache (a cold run), else the bake (buildxSplit.ts).
  const output = engine === 'buildx' ? ('push' as const) : undefined;
  const plain = (config: ResolvedConfig) =>
    buildPlan(config, {
      engine,
      canLoadManifestList: engine === 'podman',
      schedule: false,
      ...(output ? { output } : {}),
    });
  // As prepareBuild plans it: on buildx, split per platform while the emulated shared steps are not cached.
  const registry = async () => new RegistryClient(await loadRegistryHosts(process.env));
  const product = (config: ResolvedConfig) =>
    buildxBuildAll(
      config,
      { engine, canLoadManifestList: engine === 'podman', ...(output ? { output, bake: true } : {}) },
      { registry },
    );

  const l = await loop(engine, project);
  const loopMs = l.variantMs.reduce((a, b) => a + b, 0);
  // podman and buildx: one build per variant at the least (one call builds every platform); dockerd: one per cell.
  const builds = engine === 'docker' ? Object.keys(Object.assign({}, ...l.timings)).length : l.variantMs.length;
  const naive = skip.has('naive') ? undefined : (await run(engine, project, plain, (p) => p.jobs.length)).ms;
  const measured = await run(engine, project, product, () => undefined, true);
  const all = measured.ms;
  let ownRun: RunSteps | undefined = engine === 'podman' ? measured.steps : undefined;
  const rows: Array<[string, number]> = [
    ['loop', loopMs],
    ...(naive === undefined ? [] : [['naive parallel', naive] as [string, number]]),
    ['Build All', all],
  ];
  if (engine === 'podman' && !skip.has('unsplit')) {
    // The schedule without its one-build-per-platform split: shows what the split is worth.
    const unsplit = (config: ResolvedConfig) => {
      const p = plain(config);
      return {
        ...p,
        ...scheduleJobs(config, p.jobs, { engine: 'podman', policy: { pull: true, warmup: true, split: false } }),
      };
    };
    rows.push(['Build All, unsplit', (await run(engine, project, unsplit, () => undefined)).ms]);
  }
  if (engine === 'buildx' && !skip.has('unsplit')) {
    // What Build All ran before it split per platform: the whole matrix in one bake.
    const bake = (config: ResolvedConfig) => bakePlan(config, { output: 'push' });
    rows.push(['Build All, one bake', (await run(engine, project, bake, () => undefined)).ms]);
  }
  if (engine === 'docker' && !skip.has('unsplit')) {
    const warm = (config: ResolvedConfig) => {
      const p = plain(config);
      return { ...p, ...scheduleJobs(config, p.jobs, { engine: 'docker', policy: { pull: false, warmup: true } }) };
    };
    const warmed = await run(engine, project, warm, () => undefined);
    rows.push(['Build All + warm-up', warmed.ms]);
    // dockerd's Build All has no warm-up, so its cells' steps do not separate the shared work; this run's do.
    ownRun = warmed.steps;
  }
  const bound = lowerBound(l.timings, l.fixedMs / 1000, builds, cores, ownRun);
  const boundMs = bound.seconds * 1000;
  console.log(`\n${project}, ${engine === 'docker' ? 'dockerd' : engine}:`);
  console.log(`  loop per variant ${l.variantMs.map(seconds).join(', ')}; ${describeBound(bound, cores)}`);
  for (const [name, ms] of rows) {
    console.log(
      `  ${name.padEnd(20)} ${seconds(ms).padStart(8)}   ${(ms / loopMs).toFixed(2)}× loop   ${(ms / boundMs).toFixed(2)}× lower bound`,
    );
  }
  console.log(`  ${'lower bound'.padEnd(20)} ${seconds(boundMs).padStart(8)}   ${(boundMs / loopMs).toFixed(2)}× loop`);
  const afterShared = bound.afterShared * 1000;
  console.log(
    `  ${'after shared steps'.padEnd(20)} ${seconds(afterShared).padStart(8)}   ${(afterShared / loopMs).toFixed(2)}× loop   the critical path with its platform's other variants over the cores; Build All ${(all / afterShared).toFixed(2)}× it`,
  );
  let boundAtThroughput: number | undefined;
  if (l.throughput) {
    // The same steps, spread over what two builds at once get done here rather than over the cores.
    const work = (bound.work * cores) / l.throughput.throughput;
    boundAtThroughput = Math.max(bound.criticalPath, work) * 1000;
    console.log(`  ${describeBuildThroughput(l.throughput)}`);
    console.log(
      `  ${'bound at that'.padEnd(20)} ${seconds(boundAtThroughput).padStart(8)}   = max(critical path ${bound.criticalPath.toFixed(1)} s, work/${l.throughput.throughput.toFixed(2)} ${work.toFixed(1)} s); Build All ${(all / boundAtThroughput).toFixed(2)}× it`,
    );
  }
  const w = measured.warm!;
  console.log(
    `  warm: loop ${seconds(l.warmMs)}, Build All ${seconds(w.unchanged)} (${(w.unchanged / l.warmMs).toFixed(2)}× loop), Build All --rebuild ${seconds(w.rebuild)} (${(w.rebuild / l.warmMs).toFixed(2)}× loop)`,
  );
  if (l.editMs !== undefined && w.edit !== undefined)
    console.log(
      `  after a source edit: loop ${seconds(l.editMs)}, Build All ${seconds(w.edit)} (${(w.edit / l.editMs).toFixed(2)}× loop)`,
    );
  return {
    fixture: `${project}, ${engine === 'docker' ? 'dockerd' : engine}`,
    loop: loopMs,
    naive,
    all,
    variant: rows.find(([n]) => ['Build All, unsplit', 'Build All + warm-up', 'Build All, one bake'].includes(n))?.[1],
    bound: boundMs,
    afterShared,
    ...(boundAtThroughput !== undefined ? { boundAtThroughput } : {}),
    loopWarm: l.warmMs,
    allWarm: measured.warm!,
    ...(l.editMs !== undefined ? { loopEdit: l.editMs } : {}),
  };
}

/** The table bench/README.md shows. */
function table(rows: Row[]): string {
  const lines = [
    "| fixture, engine | loop | naive parallel | Build All | Build All, unsplit (podman) / + warm-up (dockerd) / one bake (buildx) | lower bound | Build All / loop | bound / loop | Build All / bound | Build All / the critical path with its platform's other variants over the cores | Build All / bound at two builds' measured throughput | warm: loop / Build All | warm: Build All --rebuild | after a source edit: loop / Build All |",
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.fixture} | ${seconds(r.loop)} | ${seconds(r.naive)} | ${seconds(r.all)} | ${seconds(r.variant)} | ${seconds(r.bound)} | ${(r.all / r.loop).toFixed(2)}× | ${(r.bound / r.loop).toFixed(2)}× | ${(r.all / r.bound).toFixed(2)}× | ${(r.all / r.afterShared).toFixed(2)}× (${seconds(r.afterShared)}) | ${r.boundAtThroughput === undefined ? '—' : `${(r.all / r.boundAtThroughput).toFixed(2)}× (${seconds(r.boundAtThroughput)})`} | ${seconds(r.loopWarm)} / ${seconds(r.allWarm.unchanged)} (${(r.allWarm.unchanged / r.loopWarm).toFixed(2)}×) | ${seconds(r.allWarm.rebuild)} (${(r.allWarm.rebuild / r.loopWarm).toFixed(2)}×) | ${edited(r)} |`,
    ),
  ];
  return lines.join('\n');
}

function edited(r: Row): string {
  const e = r.allWarm.edit;
  return r.loopEdit === undefined || e === undefined
    ? '— (no src/)'
    : `${seconds(r.loopEdit)} / ${seconds(e)} (${(e / r.loopEdit).toFixed(2)}×)`;
}

function describeBound(b: Bound, cores: number): string {
  const platforms = Object.entries(b.sharedSeconds)
    .map(([p, s]) => `${p} ${s.toFixed(1)} s`)
    .join(', ');
  return (
    `lower bound ${b.seconds.toFixed(1)} s = max(critical path ${b.criticalPath.toFixed(1)} s, work/${cores} cores ${b.work.toFixed(1)} s); ` +
    `shared steps ${platforms}; variant steps ${b.variantSeconds.toFixed(1)} s in all; fixed cost ${b.fixedSeconds.toFixed(1)} s per build × ${b.builds}`
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      engines: { type: 'string', default: 'podman,docker' },
      project: { type: 'string', default: 'python-service,heavy-shared,shared-base' },
      skip: { type: 'string', default: '' },
      'warm-runs': { type: 'string', default: '3' },
      throughput: { type: 'boolean', default: false },
    },
  });
  warmRepeats = Math.max(1, Number(values['warm-runs']) || 1);
  measureThroughput = values.throughput;
  const [load] = loadavg();
  console.log(
    `bench/build-all: 3 variants × linux/amd64,linux/arm64 (python-service: + one amd64-only), cold and warm caches; ${cpus().length} cores, load average ${load!.toFixed(1)} at the start`,
  );
  console.log(`  cores at the start: ${await describeThroughput(cpus().length)}`);
  const rows: Row[] = [];
  const engines = values.engines.split(',') as Engine[];
  if (engines.includes('buildx')) {
    const found = await findBuildx();
    if ('skip' in found) console.log(`buildx: skipped, ${found.skip}`);
    else buildx = found;
  }
  for (const project of values.project.split(',') as Project[]) {
    for (const engine of engines)
      if (engine !== 'buildx' || buildx) rows.push(await bench(engine, project, new Set(values.skip.split(','))));
  }
  console.log(`\n${table(rows)}\nload average ${loadavg()[0]!.toFixed(1)} at the end`);
  console.log(`cores at the end: ${await describeThroughput(cpus().length)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
