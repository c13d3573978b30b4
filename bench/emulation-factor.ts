/**
 * The emulation factor `multiarch timings` reports after a cold Build All, against the factor of each
 * platform built alone (issue: within ±30 %).
 *   node --import tsx bench/emulation-factor.ts [--project python-service] [--variants redis,sqs] [--alone-runs 3]
 *     [--records DIR]
 * Build All: buildPlan + BuildRunner as the CLI runs them, on a cold podman store of its own
 * (bench/coldStore.ts); the factor is report/timings.ts's, from the records that run wrote. Alone: per
 * variant, a fresh cold store, that variant's native platform built by itself, then its emulated platform by
 * itself (Build This Platform, one after the other, nothing else running), and the same comparison of the
 * two records. The alone factor is measured `--alone-runs` times per variant (rounds over the variants, so the
 * machine's drift reaches each alike) and the reported one is compared with their median: one platform built
 * alone swung by 40 % between runs on these machines (bench/README.md), so a single sample is no reference.
 * Prints both per variant, the alone range, and the ratio. Needs scripts/setup/20-engines.sh and
 * 30-python-base.sh (root).
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BuildRunner } from '../src/core/build/runner';
import { hostPlatform } from '../src/core/engines/emulation';
import { programsFromEnv } from '../src/core/engines/detect';
import { buildPlan } from '../src/core/matrix/plan';
import { emulationComparisons } from '../src/core/report/timings';
import type { BuildRecord } from '../src/core/results/types';
import type { Project } from '../test/engines/helpers';
import { cold } from './coldStore';
import { median } from './stats';

/** `--records DIR`: each run's build records are written there as JSON, to read the steps behind a factor. */
let recordsDir: string | undefined;

async function buildAllFactors(project: Project, cores: number): Promise<Map<string, number>> {
  const { config, env, cleanup } = await cold('podman', project);
  try {
    const plan = buildPlan(config, { engine: 'podman', canLoadManifestList: true });
    const t = performance.now();
    const runner = new BuildRunner({ programs: programsFromEnv(env), env });
    const s = await runner.run(plan, { config });
    if (!s.ok) throw new Error(`Build All failed: ${JSON.stringify(s.outcomes.map((o) => o.problem?.message))}`);
    console.log(`Build All: ${((performance.now() - t) / 1000).toFixed(1)} s`);
    return factors(s.records, cores, 'Build All');
  } finally {
    await cleanup();
  }
}

async function aloneFactor(
  project: Project,
  variant: string,
  run: { cores: number; round: number },
): Promise<number | undefined> {
  const { cores, round } = run;
  const { config, env, cleanup } = await cold('podman', project);
  try {
    const v = config.variants.find((x) => x.name === variant)!;
    const native = hostPlatform();
    const records: BuildRecord[] = [];
    // Native first, then emulated: each the only build running.
    for (const platform of [native, ...v.platforms.filter((p) => p !== native)]) {
      const plan = buildPlan(config, {
        engine: 'podman',
        canLoadManifestList: true,
        variants: [variant],
        platforms: [platform],
      });
      const t = performance.now();
      const s = await new BuildRunner({ programs: programsFromEnv(env), env, concurrency: 1 }).run(plan, { config });
      if (!s.ok)
        throw new Error(
          `${variant} on ${platform} failed: ${JSON.stringify(s.outcomes.map((o) => o.problem?.message))}`,
        );
      console.log(`  ${variant} on ${platform} alone: ${((performance.now() - t) / 1000).toFixed(1)} s`);
      records.push(...s.records);
    }
    return factors(records, cores, `${variant} alone ${round}`).get(variant);
  } finally {
    await cleanup();
  }
}

/** Prints each factor with the step pairs it came from, so a factor far from the other can be traced. */
function factors(records: BuildRecord[], cores: number, label: string): Map<string, number> {
  const out = new Map<string, number>();
  if (recordsDir) writeFileSync(join(recordsDir, `${label.replace(/\W+/g, '-')}.json`), JSON.stringify(records));
  for (const f of emulationComparisons(records, cores)) {
    out.set(f.variant, f.factor);
    console.log(
      `  ${label}: ${f.variant} ${f.platform} ${f.factor}×${f.contended ? ` (contended: ${f.contended})` : ''}${f.scaled ? ` (${f.scaled.steps} of ${f.scaled.of} steps counted at their share of the cores)` : ''}`,
    );
    for (const { step, nativeSeconds, counted } of f.steps)
      console.log(
        `    ${step.seconds.toFixed(1)} s vs ${nativeSeconds.toFixed(1)} s${counted ? `, counted ${counted.seconds.toFixed(1)} s vs ${counted.nativeSeconds.toFixed(1)} s` : ''}  ${step.stage} #${step.index} ${step.instruction.slice(0, 60)}`,
      );
  }
  return out;
}

async function main() {
  const { values } = parseArgs({
    options: {
      project: { type: 'string', default: 'python-service' },
      variants: { type: 'string' },
      records: { type: 'string' },
      'alone-runs': { type: 'string', default: '3' },
    },
  });
  recordsDir = values.records;
  const project = values.project as Project;
  const cores = availableParallelism();
  console.log(
    `bench/emulation-factor: ${project}, ${cores} cores, load average ${loadavg()[0]!.toFixed(1)} at the start`,
  );
  const reported = await buildAllFactors(project, cores);
  const variants = values.variants ? values.variants.split(',') : [...reported.keys()];
  const runs = Number(values['alone-runs']);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--alone-runs takes a whole number ≥ 1, not ${runs}`);
  const alone = new Map<string, number[]>(variants.map((v) => [v, []]));
  for (let round = 1; round <= runs; round++) {
    for (const variant of variants) {
      const f = await aloneFactor(project, variant, { cores, round });
      if (f !== undefined) alone.get(variant)!.push(f);
    }
  }
  console.log(`\nload average ${loadavg()[0]!.toFixed(1)} at the end\n`);
  console.log('| variant | Build All reports | each platform alone: median (each run) | reported / median |');
  console.log('| --- | --- | --- | --- |');
  for (const variant of variants) {
    const r = reported.get(variant);
    const samples = alone.get(variant)!;
    const m = samples.length ? median(samples) : undefined;
    const ratio = r !== undefined && m ? r / m : undefined;
    console.log(
      `| ${variant} | ${r ?? '—'}× | ${m === undefined ? '—' : `${m.toFixed(1)}× (${samples.map((x) => `${x}×`).join(', ')})`} | ${ratio === undefined ? '—' : `${ratio.toFixed(2)} (${ratio >= 0.7 && ratio <= 1.3 ? 'within' : 'outside'} ±30 %)`} |`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
