import type { ResolvedConfig } from '../config/types';
import { hostPlatform } from '../engines/emulation';
import type { Plan } from '../jobs';
import type { RegistryClient } from '../registry';
import { emulatedPrefixes, prefixesBuilt, RegistryBaseImages } from '../schedule/buildxPrefixes';
import { buildPlan, type PlanOptions } from './plan';

/**
 * Build All with buildx: the bake, or, pushing, one build per variant and platform (schedule/buildxParts.ts)
 * while the emulated platforms' shared steps have work in them that no earlier Build All with the same inputs
 * built (schedule/buildxPrefixes.ts). Split, a cold run ended sooner: the emulated shared steps keep a core;
 * with them in the cache, the bake's one process ended sooner than one per variant and platform
 * (bench/README.md, "buildx: one build per platform").
 */
export async function buildxBuildAll(
  config: ResolvedConfig,
  options: PlanOptions,
  { registry, host = hostPlatform() }: { registry: () => Promise<RegistryClient>; host?: string },
): Promise<Plan> {
  const bake = buildPlan(config, options);
  if (options.engine !== 'buildx' || !options.bake) return bake;
  const split = buildPlan(config, { ...options, splitPerPlatform: true });
  if (!split.jobs.some((j) => j.parts)) return bake;
  const local = split.jobs.filter((j) => !j.node);
  const prefixes = await emulatedPrefixes(config, local, { host, images: new RegistryBaseImages(registry) });
  if (!prefixes?.length || (await prefixesBuilt(config.root, prefixes))) return bake;
  return { ...split, buildxPrefixes: prefixes };
}
