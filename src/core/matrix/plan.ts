import type { ResolvedConfig, ResolvedVariant } from '../config/types';
import { jobBuilders } from '../engines/jobBuilders';
import { dockerJobs } from '../engines/dockerArgs';
import { podmanImageJobs } from '../engines/podmanArgs';
import { schedulePolicy, scheduleJobs } from '../schedule/schedule';
import { bakePlan } from './bakePlan';
import { hostPlatform } from '../engines/emulation';
import { splitBuildxPlatforms, splitsPerPlatform } from '../schedule/buildxParts';
import type { BuildNode, Cell, EngineKind, Job, Plan, OutputMode } from '../jobs';
import { onNode } from '../nodes/endpoint';
import { placeOnNode, splitByNode } from '../nodes/placement';
import type { JobRequest } from '../engines/types';

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
   * With `bake`, pushing a matrix with an emulated platform beside a native one: one build per variant and
   * platform instead (schedule/buildxParts.ts; buildxSplit.ts decides).
   */
  splitPerPlatform?: boolean;
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
  const nodes = config.nodes;
  const localOnly = (v: ResolvedVariant) => v.platforms.filter((p) => !splitByNode([p], nodes)[0]!.node);
  if (options.bake && options.engine === 'buildx' && !options.variants?.length && !options.platforms?.length) {
    // The bake builds what stays on this machine; the cells build nodes take are jobs of their own.
    const local = config.variants.map((v) => ({ ...v, platforms: localOnly(v) })).filter((v) => v.platforms.length);
    const remote = config.variants.flatMap((v) =>
      nodeJobs({ config, variant: v, platforms: v.platforms.filter((p) => !localOnly(v).includes(p)), output }),
    );
    if (options.splitPerPlatform && output === 'push' && splitsPerPlatform(local, hostPlatform())) {
      const jobs = local
        .flatMap((variant) =>
          builder({ config, variant, platforms: variant.platforms, output, builder: options.builder }),
        )
        .map(splitBuildxPlatforms);
      return withSchedule(config, { engine: options.engine, jobs: [...jobs, ...remote] }, options);
    }
    const bake = local.length
      ? bakePlan(
          { ...config, variants: local },
          {
            output,
            canLoadManifestList: options.canLoadManifestList,
            builder: options.builder,
          },
        )
      : { engine: options.engine, jobs: [] };
    if (!remote.length) return bake;
    return withSchedule(config, { ...bake, jobs: [...bake.jobs, ...remote] }, options);
  }
  const jobs = config.variants
    .filter((v) => !wanted || wanted.has(v.name))
    .flatMap((variant) => {
      const platforms = options.platforms?.length
        ? variant.platforms.filter((p) => options.platforms!.includes(p))
        : variant.platforms;
      return splitByNode(platforms, nodes).flatMap((group) =>
        group.node
          ? nodeJobs({ config, variant, platforms: group.platforms, output })
          : builder({
              config,
              variant,
              platforms: group.platforms,
              output,
              canLoadManifestList: options.canLoadManifestList,
              builder: options.builder,
            }),
      );
    });
  return withSchedule(config, { engine: options.engine, jobs }, options);
}

/**
 * Jobs of a variant's platforms that build nodes take, with each node's own engine: one plain image per
 * platform under its per-arch tag in the node's own store; the runner then brings it where `output` says
 * (core/nodes/deliver.ts).
 */
function nodeJobs({ config, variant, platforms, output }: JobRequest): Job[] {
  return splitByNode(platforms, config.nodes).flatMap(({ node, platforms: own }) =>
    node
      ? (node.engine === 'podman' ? podmanImageJobs : dockerJobs)({
          config,
          variant,
          platforms: own,
          output: 'load',
        }).map((j) => ({ ...placeOnNode(j, node), output }))
      : [],
  );
}

/**
 * Pulls and warm-ups per node: each machine has its own store and cache, so each gets the schedule its
 * engine needs (podman: pull once, warm shared stages), with its commands pointed at it.
 */
function withSchedule(config: ResolvedConfig, plan: Plan, options: PlanOptions): Plan {
  const used = config.nodes.filter((n) => plan.jobs.some((j) => j.node === n.name));
  const withNodes = used.length ? { ...plan, nodes: used } : plan;
  if (options.schedule === false) return withNodes;
  const groups: { node?: BuildNode; engine: EngineKind; jobs: Job[] }[] = [
    { engine: plan.engine, jobs: plan.jobs.filter((j) => !j.node) },
    ...used.map((node) => ({ node, engine: node.engine, jobs: plan.jobs.filter((j) => j.node === node.name) })),
  ];
  const pulls = [];
  const warmup = [];
  const scheduled = new Map<Job, Job>();
  for (const g of groups) {
    if (!g.jobs.length) continue;
    // A node's jobs stay one build per variant: their after-steps would need the node's engine flags.
    const s = scheduleJobs(config, g.jobs, {
      engine: g.engine,
      policy: g.node ? { ...schedulePolicy[g.engine], split: false } : undefined,
    });
    g.jobs.forEach((j, i) => scheduled.set(j, s.jobs[i]!));
    const node = g.node;
    pulls.push(...(node ? s.pulls.map((p) => ({ ...p, node: node.name })) : s.pulls));
    warmup.push(...(node ? s.warmup.map((w) => ({ ...w, node: node.name, argv: onNode(w.argv, node) })) : s.warmup));
  }
  return {
    ...withNodes,
    jobs: plan.jobs.map((j) => scheduled.get(j) ?? j),
    ...(pulls.length ? { pulls } : {}),
    ...(warmup.length ? { warmup } : {}),
  };
}
