import type { CellTiming } from '../src/core/insight/types';

/** Build All's own step seconds: its warm-ups' uncached steps per platform, and each cell's own (uncached) steps. */
export interface RunSteps {
  shared: Record<string, number>;
  own: Record<string, number[]>;
}

export interface Bound {
  seconds: number;
  criticalPath: number;
  work: number;
  /**
   * The critical path with the rest of its platform's variants: every variant's own steps on that platform come
   * after its shared steps (as the critical path takes for granted), so they take at least their sum over the
   * cores after them. Not part of `seconds` (the bound is the larger of the other two); printed beside it,
   * it tells how far a schedule on `cores` cores can get when the emulated shared steps leave a core idle.
   */
  afterShared: number;
  /** Per platform: the steps the first variant ran that every later variant took from the cache. */
  sharedSeconds: Record<string, number>;
  /** Every variant's own steps, all cells. */
  variantSeconds: number;
  fixedSeconds: number;
  builds: number;
}

/**
 * A lower bound for building every cell once more on a cold cache, from one cold run of the loop (variants
 * one after the other, so each step's seconds are its own): `timings[i]` holds variant i's cells (cellId →
 * steps). A step the first variant ran and every later variant found cached is shared work, needed once per
 * platform; a step a variant ran itself is that variant's work. Any schedule needs, for some platform, its
 * shared steps, then one variant's own steps, inside at least one build (`fixedSeconds`, the wall time of a
 * build that finds everything cached): the critical path. And it needs every step plus the fixed cost of
 * the fewest builds that can make all cells (`builds`), over `cores` cores: the work. Nothing is estimated
 * from a later variant standing in for another. When Build All's own step times are given (`product`),
 * the critical path takes the smaller of the two measurements of each step: Build All runs those steps one
 * after the other too, so it cannot finish under that path however the machine's load moved between the
 * runs. The work term assumes the steps' wall time is CPU time on a machine of our own: on a loaded machine
 * the serial loop gets a smaller share of the CPU than parallel builds, and Build All can come under it.
 */
export function lowerBound(
  timings: Array<Record<string, CellTiming>>,
  fixedSeconds: number,
  builds: number,
  cores: number,
  product?: RunSteps,
): Bound {
  const [first = {}, ...later] = timings;
  const platformOf = (id: string) => id.slice(id.indexOf('@') + 1);
  const key = (s: { stage: string; index: number }) => `${s.stage}#${s.index}`;
  const sharedSeconds: Record<string, number> = {};
  const ownSeconds: Record<string, number[]> = {};
  let variantSeconds = 0;
  for (const [id, timing] of Object.entries(first)) {
    const platform = platformOf(id);
    const laterCells = later
      .map((t) => Object.entries(t).find(([other]) => platformOf(other) === platform)?.[1])
      .filter((t): t is CellTiming => !!t);
    const cachedLater = (k: string) =>
      laterCells.length > 0 && laterCells.every((c) => c.steps.some((s) => key(s) === k && s.cached));
    let shared = 0;
    let own = 0;
    for (const s of timing.steps) {
      if (s.cached) continue;
      if (cachedLater(key(s))) shared += s.seconds;
      else own += s.seconds;
    }
    sharedSeconds[platform] = shared;
    ownSeconds[platform] = [own];
    variantSeconds += own;
  }
  for (const t of later) {
    for (const [id, timing] of Object.entries(t)) {
      const own = timing.steps.filter((s) => !s.cached).reduce((a, s) => a + s.seconds, 0);
      (ownSeconds[platformOf(id)] ??= []).push(own);
      variantSeconds += own;
    }
  }
  const minOwn = (p: string) => Math.min(...(ownSeconds[p] ?? [0]), ...(product?.own[p] ?? []));
  const minShared = (p: string) => Math.min(sharedSeconds[p]!, product?.shared[p] ?? Infinity);
  const criticalPath = Math.max(0, ...Object.keys(sharedSeconds).map((p) => minShared(p) + minOwn(p) + fixedSeconds));
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  // Each measurement's own steps summed over the same cells (Build All's only when it has them all).
  const sumOwn = (p: string) =>
    Math.min(
      sum(ownSeconds[p] ?? []),
      product?.own[p]?.length === ownSeconds[p]?.length ? sum(product.own[p]) : Infinity,
    );
  const afterShared = Math.max(
    0,
    ...Object.keys(sharedSeconds).map((p) => minShared(p) + Math.max(minOwn(p), sumOwn(p) / cores) + fixedSeconds),
  );
  const allShared = Object.values(sharedSeconds).reduce((a, b) => a + b, 0);
  const work = (allShared + variantSeconds + builds * fixedSeconds) / cores;
  return {
    seconds: Math.max(criticalPath, work),
    criticalPath,
    work,
    afterShared,
    sharedSeconds,
    variantSeconds,
    fixedSeconds,
    builds,
  };
}
