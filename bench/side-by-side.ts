/**
 * How much slower the emulated platform's warm-up (a cold podman Build All's critical path) runs beside the native
 * builds a Build All runs meanwhile, against alone. The lower bound's work term (bound.ts) assumes two builds at
 * once get two cores' worth done; this shows what they get on this machine.
 *   node --import tsx bench/side-by-side.ts [--project python-service] [--runs 2]
 * Each measurement starts from a store of its own with the base pulled (bench/coldStore.ts, the product's pull
 * steps). Alone: the emulated warm-up's podman command by itself. Beside: the same command, and meanwhile the
 * plan's native builds (the native warm-up, then each native part or one-platform job) one after another, as
 * the emulation reserve lets them run on 2 cores; none starts once the warm-up has ended (the one running then
 * finishes, so the store is left whole for its clean-up).
 * Needs scripts/setup/20-engines.sh (root): reads .cache/engines.env.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { runProcess } from '../src/core/build/runProcess';
import { hostPlatform, localAvailability } from '../src/core/engines/emulation';
import type { Plan, Warmup } from '../src/core/jobs';
import { buildPlan } from '../src/core/matrix/plan';
import { podmanPullOnce } from '../src/core/schedule/podmanPull';
import type { Project } from '../test/engines/helpers';
import { cold } from './coldStore';

const { values } = parseArgs({
  options: { project: { type: 'string', default: 'python-service' }, runs: { type: 'string', default: '2' } },
});
const project = values.project as Project;
const host = hostPlatform();
const native = (platform: string) => localAvailability(platform, host, []).state === 'native';

interface Commands {
  emulated: Warmup;
  natives: string[][];
}

function commands(plan: Plan): Commands {
  const emulated = plan.warmup?.find((w) => !native(w.platforms[0]!));
  if (!emulated) throw new Error(`${project} has no emulated warm-up on ${host}: nothing to measure`);
  const natives = [
    ...(plan.warmup ?? []).filter((w) => native(w.platforms[0]!)).map((w) => w.argv),
    ...plan.jobs.flatMap((j) =>
      j.parts
        ? j.parts.filter((p) => native(p.platform)).map((p) => p.argv)
        : j.platforms.length === 1 && native(j.platforms[0]!)
          ? [j.argv]
          : [],
    ),
  ];
  return { emulated, natives };
}

/** One measurement on a fresh store: the emulated warm-up's seconds, and how many native builds ended meanwhile. */
async function measure(beside: boolean): Promise<{ seconds: number; nativeDone: number }> {
  const { config, env, cleanup } = await cold('podman', project);
  const podman = env.MULTIARCH_PODMAN ?? 'podman';
  const run = (argv: string[]) => runProcess([podman, ...argv.slice(1)], { cwd: config.root, env });
  try {
    const plan = buildPlan(config, { engine: 'podman', canLoadManifestList: true });
    const { emulated, natives } = commands(plan);
    for (const w of plan.warmup ?? [])
      for (const [file, text] of Object.entries(w.files ?? {})) {
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, text);
      }
    for (const j of plan.jobs)
      for (const p of j.parts ?? []) if (p.iidfile) await mkdir(dirname(p.iidfile), { recursive: true });
    const images = new Map<string, string[]>();
    for (const p of plan.pulls ?? []) images.set(p.image, [...(images.get(p.image) ?? []), p.platform]);
    for (const [image, platforms] of images) {
      const order = [...platforms.filter((p) => !native(p)), ...platforms.filter(native)];
      const r = await podmanPullOnce(image, order, {
        exec: async (argv) => {
          const x = await run(argv);
          return { exitCode: x.exitCode, output: x.output };
        },
      });
      if (!r.ok) throw new Error(`pull ${image}: ${r.message}`);
    }
    let ended = false;
    let nativeDone = 0;
    const side = beside
      ? (async () => {
          for (const argv of natives) {
            if (ended) return;
            const r = await run(argv);
            if (r.exitCode !== 0) throw new Error(`${argv.join(' ')}: ${r.output.slice(-1000)}`);
            if (!ended) nativeDone++;
          }
        })()
      : Promise.resolve();
    const t = performance.now();
    const r = await run(emulated.argv);
    const seconds = (performance.now() - t) / 1000;
    ended = true;
    await side;
    if (r.exitCode !== 0) throw new Error(`${emulated.argv.join(' ')}: ${r.output.slice(-1000)}`);
    return { seconds, nativeDone };
  } finally {
    await cleanup();
  }
}

(async () => {
  const runs = Number(values.runs);
  console.log(
    `${project}: the ${host === 'linux/amd64' ? 'linux/arm64' : 'emulated'} warm-up alone and beside the native builds, ${runs} run(s) each, alternating (load ${loadavg()[0]!.toFixed(1)})`,
  );
  const alone: number[] = [];
  const beside: number[] = [];
  for (let i = 0; i < runs; i++) {
    const a = await measure(false);
    alone.push(a.seconds);
    console.log(`  alone: ${a.seconds.toFixed(1)} s`);
    const b = await measure(true);
    beside.push(b.seconds);
    console.log(
      `  beside the native builds: ${b.seconds.toFixed(1)} s (${b.nativeDone} native build(s) ended meanwhile)`,
    );
  }
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  console.log(
    `  beside / alone: ${(mean(beside) / mean(alone)).toFixed(2)}× (load ${loadavg()[0]!.toFixed(1)}); two builds that got two cores' worth would give 1.00×`,
  );
})().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
