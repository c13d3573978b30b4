import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedConfig, ResolvedVariant } from '../config/types';
import { buildArgs, compose, named } from '../engines/argv';
import { hostPlatform } from '../engines/emulation';
import { markerArgs } from '../engines/staging';
import type { Cell, EngineKind, Job, ImagePull, Warmup } from '../jobs';
import { splitPlatforms } from './podmanParts';
import type { Schedule } from './types';
import { stateDir } from '../state/paths';
import { closure, dependentStages, sharedSteps, stageGraph, targetIndex, type StageNode } from './stageGraph';

/**
 * What each engine gets, chosen by measurement (bench/build-all.ts, docs/ARCHITECTURE.md):
 * podman races when parallel builds pull the same image and recomputes a shared stage in every
 * parallel build, so it gets both; it also builds the platforms of one call one after the other, so its
 * jobs that wait for a warm-up are split into one build per platform (podmanParts.ts), each started when
 * its platform's warm-up is done. dockerd's BuildKit pulls through its own content store and deduplicates identical steps of
 * concurrent builds in flight: a step in front only serialises. buildx bake is one BuildKit solve.
 */
export interface SchedulePolicy {
  pull: boolean;
  warmup: boolean;
  /** One build per platform of a job (podman only). */
  split?: boolean;
}

export const schedulePolicy: Record<EngineKind, SchedulePolicy> = {
  podman: { pull: true, warmup: true, split: true },
  docker: { pull: false, warmup: false },
  buildx: { pull: false, warmup: false },
};

export type ReadText = (path: string) => string | undefined;

const readText: ReadText = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

interface JobGraph {
  job: Job;
  /** The Dockerfile's text (a prefix warm-up builds it cut after the shared steps). */
  text: string;
  variant: ResolvedVariant;
  platform: string;
  stages: StageNode[];
  needed: number[];
}

/**
 * The pulls and shared-stage warm-ups for `jobs`, from each variant's Dockerfile stage graph. A Dockerfile
 * that cannot be read or has no stages contributes nothing (the build itself reports it).
 */
export function scheduleJobs(
  config: ResolvedConfig,
  jobs: Job[],
  { engine, ...opts }: { engine: EngineKind; read?: ReadText; host?: string; policy?: SchedulePolicy },
): Schedule & { jobs: Job[] } {
  const policy = opts.policy ?? schedulePolicy[engine];
  const read = opts.read ?? readText;
  const host = opts.host ?? hostPlatform();
  const texts = new Map<string, string | undefined>();
  const graphs: JobGraph[] = [];
  for (const job of jobs) {
    if (job.cells) continue; // one bake solve: BuildKit schedules it
    const variant = config.variants.find((v) => v.name === job.variant);
    if (!variant) continue;
    if (!texts.has(variant.dockerfile)) texts.set(variant.dockerfile, read(variant.dockerfile));
    const text = texts.get(variant.dockerfile);
    if (text === undefined) continue;
    for (const platform of job.platforms) {
      const stages = stageGraph(text, { args: variant.args, platform, host });
      const target = targetIndex(stages, variant.target);
      if (target === undefined) continue;
      graphs.push({ job, text, variant, platform, stages, needed: closure(stages, target) });
    }
  }
  const pulls = policy.pull ? planPulls(graphs) : [];
  const warmup = policy.warmup ? planWarmups(engine, config, graphs) : [];
  // Split only jobs whose every platform's base images are pulled first (split parts pulling one image at
  // once race), and only those that wait for a warm-up: the split pays by running the native platform's
  // builds during the emulated warm-up; without one it measured the same (bench/README.md, shared-base), so
  // the job keeps its fewer builds.
  const pulled = (job: Job) => graphs.filter((g) => g.job === job).length === job.platforms.length;
  const warmed = (job: Job) =>
    warmup.some((w) => w.cells.some((c) => c.variant === job.variant && job.platforms.includes(c.platform)));
  return {
    pulls,
    warmup,
    jobs: policy.split && policy.pull ? jobs.map((j) => (pulled(j) && warmed(j) ? splitPlatforms(j) : j)) : jobs,
  };
}

function planPulls(graphs: JobGraph[]): ImagePull[] {
  const pulls = new Map<string, ImagePull>();
  for (const g of graphs) {
    for (const i of g.needed) {
      const s = g.stages[i]!;
      for (const image of [...(s.image ? [s.image] : []), ...s.images]) {
        const key = `${image}\0${s.platform}`;
        const pull = pulls.get(key) ?? { image, platform: s.platform, cells: [] };
        if (!pull.cells.some((c) => c.variant === g.variant.name && c.platform === g.platform)) {
          pull.cells.push({ variant: g.variant.name, platform: g.platform });
        }
        pulls.set(key, pull);
      }
    }
  }
  return [...pulls.values()];
}

/**
 * Per Dockerfile + context and platform: the stages at least two variants need whose result cannot differ
 * between them (they read no arg whose value differs, directly or through a stage they use). Only the
 * outermost of those are built (`--target`); their ancestors come along. A stage at least two variants need
 * that does vary still shares its first steps, those before a varying value enters it (sharedSteps): its
 * warm-up builds the Dockerfile cut after them, so the stages before it and those steps are the same text,
 * and podman finds the same cache keys (it keys each step by its parent layer and its instruction); the
 * shared stages it uses come along. Platforms that warm the same thing with the same args share one warm-up
 * (one podman call builds several platforms).
 */
function planWarmups(engine: EngineKind, config: ResolvedConfig, graphs: JobGraph[]): Warmup[] {
  const groups = new Map<string, JobGraph[]>();
  for (const g of graphs) {
    const key = JSON.stringify([g.variant.dockerfile, g.variant.context, g.platform]);
    groups.set(key, [...(groups.get(key) ?? []), g]);
  }
  const merged = new Map<string, PendingWarmup>();
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const varying = varyingArgs(group.map((g) => g.variant.args));
    const first = group[0]!;
    const add = (key: string, w: Pick<PendingWarmup, 'stage' | 'cut'>) => {
      const cells = group.map((g) => ({ variant: g.variant.name, platform: g.platform }));
      const had = merged.get(key);
      if (had) {
        had.platforms.push(first.platform);
        had.cells.push(...cells);
      } else merged.set(key, { ...w, platforms: [first.platform], cells, variant: first.variant });
    };
    const dependent = dependentStages(first.stages, varying);
    const users = new Map<number, number>();
    for (const g of group) for (const i of g.needed) users.set(i, (users.get(i) ?? 0) + 1);
    const used = [...users].filter(([, n]) => n >= 2).map(([i]) => i);
    const prefixes = used
      .filter((i) => dependent.has(i))
      .map((i) => {
        const stage = first.stages[i]!;
        const steps = sharedSteps(stage, varying, dependent);
        const uses = [
          ...(stage.fromStage === undefined ? [] : [stage.fromStage]),
          ...stage.steps.slice(0, steps).flatMap((s) => s.deps),
        ].flatMap((d) => closure(first.stages, d));
        return { stage, steps, uses };
      })
      .filter((p) => p.steps > 0);
    const covered = new Set(prefixes.flatMap((p) => p.uses));
    const shared = used.filter((i) => !dependent.has(i));
    const sharedSet = new Set(shared);
    const outer = shared.filter(
      (i) => !covered.has(i) && !shared.some((j) => j !== i && closure(first.stages, j).includes(i)),
    );
    for (const i of outer) {
      const stage = first.stages[i]!;
      const inside = closure(first.stages, i).filter((k) => sharedSet.has(k));
      if (!stage.name || !inside.some((k) => first.stages[k]!.work)) continue;
      add(JSON.stringify([first.variant.dockerfile, first.variant.context, stage.name, first.variant.args]), {
        stage: stage.name,
      });
    }
    for (const p of prefixes) {
      if (!p.stage.steps.slice(0, p.steps).some((s) => s.work) && !p.uses.some((k) => first.stages[k]!.work)) continue;
      const text = cutAfter(first.text, p.stage.steps[p.steps - 1]!.endLine);
      add(JSON.stringify([first.variant.dockerfile, first.variant.context, text, first.variant.args]), {
        stage: p.stage.name ?? `stage ${p.stage.index + 1}`,
        cut: { steps: p.steps, text },
      });
    }
  }
  return [...merged.values()].flatMap((w) => warmupCommands(engine, config, w));
}

/** `text` up to the end of line `line` (0-based), line break included: byte for byte what the full file has there. */
export function cutAfter(text: string, line: number): string {
  let at = -1;
  for (let l = 0; l <= line; l++) {
    at = text.indexOf('\n', at + 1);
    if (at < 0) return text;
  }
  return text.slice(0, at + 1);
}

/** A warm-up before its argv: the variant whose Dockerfile, context and args it builds with. */
interface PendingWarmup {
  stage: string;
  /** The stage's first `steps` only: the Dockerfile's `text` up to them. */
  cut?: { steps: number; text: string };
  platforms: string[];
  cells: Cell[];
  variant: ResolvedVariant;
}

/** Names of args whose value is not the same in every one of `sets` (absent counts as a value). */
export function varyingArgs(sets: Array<Record<string, string>>): Set<string> {
  const names = new Set(sets.flatMap((s) => Object.keys(s)));
  return new Set([...names].filter((n) => new Set(sets.map((s) => s[n] ?? '\0unset')).size > 1));
}

/**
 * Warm-up builds tag nothing: the stage's layers land in the engine's cache, where every variant's build
 * finds them. One build per platform, run side by side: podman would build the platforms of one call one
 * after the other, and docker takes one platform per call.
 */
function warmupCommands(engine: EngineKind, config: ResolvedConfig, w: PendingWarmup): Warmup[] {
  const v = w.variant;
  const base = { stage: w.stage, cwd: config.root, dockerfile: v.dockerfile, ...(w.cut ? { steps: w.cut.steps } : {}) };
  return w.platforms.map((platform): Warmup => {
    const cells = w.cells.filter((c) => c.platform === platform);
    const id = createHash('sha256')
      .update(JSON.stringify([v.dockerfile, w.stage, platform, ...(w.cut ? [w.cut.steps] : [])]))
      .digest('hex')
      .slice(0, 12);
    // A cut Dockerfile ends with the stage to warm, so it needs no --target; one file per warm-up, since each
    // removes its own when it ends.
    const file = w.cut ? join(stateDir(config.root), 'warmup', `${id}.Dockerfile`) : undefined;
    const common = compose(
      named('--platform', platform),
      file ? named('-f', file) : compose(named('--target', w.stage), named('-f', v.dockerfile)),
      buildArgs(v.args),
    );
    const files = file && w.cut ? { files: { [file]: w.cut.text } } : {};
    if (engine === 'podman') {
      // Marked like the variant builds (staging.ts), so a cancelled warm-up's working containers are found again.
      const marker = `warmup-${id}`;
      const argv = compose(['podman', 'build'], common, markerArgs(marker), [v.context]);
      return { ...base, ...files, platforms: [platform], cells, program: 'podman', argv, marker };
    }
    return {
      ...base,
      ...files,
      platforms: [platform],
      program: 'docker',
      cells,
      argv: compose(['docker', 'build', '--progress=plain'], common, [v.context]),
      env: { DOCKER_BUILDKIT: '1' },
    };
  });
}
