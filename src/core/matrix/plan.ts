import type { OutputMode, ResolvedConfig } from '../config/types';
import { jobBuilders } from '../engines/jobBuilders';
import { scheduleJobs } from '../schedule/schedule';
import { bakePlan } from './bakePlan';
import type { Cell, EngineKind, Plan } from '../jobs';

export interface PlanOptions {
  engine: EngineKind;
  /** Only these variants (all when empty or absent). */
  variants?: string[];
  /** Only these platforms (each variant keeps the ones it has). */
  platforms?: string[];
  output?: OutputMode;
  canLoadManifestList?: boolean;
  builder?: string;
  /** Whole matrix with buildx: one `docker buildx bake` instead of one build per variant. */
  bake?: boolean;
  /**
   * Pull base images once and build shared stages once before the variants (core/schedule; per engine).
   * Default true; false gives the bare jobs (the benchmark's "naive parallel").
   */
  schedule?: boolean;
}

export class PlanError extends Error {}

/** Every cell of the matrix: each variant × each of its platforms, in config order. */
export function expandMatrix(config: ResolvedConfig): Cell[] {
  return config.variants.flatMap((v) => v.platforms.map((platform) => ({ variant: v.name, platform })));
}

/**
 * Turns (a slice of) the matrix into jobs with exact argv for one engine, plus the pulls and shared-stage
 * warm-ups that go before them. Runs nothing; reads the Dockerfiles for their stage graphs.
 */
export function buildPlan(config: ResolvedConfig, options: PlanOptions): Plan {
  const builder = jobBuilders[options.engine];
  const known = config.variants.map((v) => v.name);
  for (const name of options.variants ?? []) {
    if (!known.includes(name)) {
      throw new PlanError(`unknown variant "${name}"; the config defines: ${known.join(', ')}`);
    }
  }
  const wanted = options.variants?.length ? new Set(options.variants) : undefined;
  const allPlatforms = new Set(config.variants.flatMap((v) => v.platforms));
  for (const p of options.platforms ?? []) {
    if (!allPlatforms.has(p)) {
      throw new PlanError(`no variant is built for platform "${p}"; the config lists: ${[...allPlatforms].join(', ')}`);
    }
  }
  const output = options.output ?? config.output;
  if (options.bake && options.engine === 'buildx' && !options.variants?.length && !options.platforms?.length) {
    return bakePlan(config, {
      output,
      ...(options.canLoadManifestList !== undefined ? { canLoadManifestList: options.canLoadManifestList } : {}),
      ...(options.builder ? { builder: options.builder } : {}),
    });
  }
  const jobs = config.variants
    .filter((v) => !wanted || wanted.has(v.name))
    .flatMap((variant) => {
      const platforms = options.platforms?.length
        ? variant.platforms.filter((p) => options.platforms!.includes(p))
        : variant.platforms;
      if (!platforms.length) return [];
      return builder({
        config,
        variant,
        platforms,
        output,
        ...(options.canLoadManifestList !== undefined ? { canLoadManifestList: options.canLoadManifestList } : {}),
        ...(options.builder ? { builder: options.builder } : {}),
      });
    });
  if (options.schedule === false) return { engine: options.engine, jobs };
  const { pulls, warmup } = scheduleJobs(config, options.engine, jobs);
  return { engine: options.engine, jobs, ...(pulls.length ? { pulls } : {}), ...(warmup.length ? { warmup } : {}) };
}
