// The Build Timeline's view model: the latest timed build of each cell as bars, built from the same
// timings `multiarch timings` reports, with each step's line in the variant's Dockerfile.
import type { EngineKind } from '../jobs';
import type { BuildRecord } from '../results/types';
import {
  cachedStepsLine,
  cellTimings,
  emulationComparisons,
  emulationLine,
  formatSeconds,
  latestTimed,
} from './timings';
import { stepLines } from './stepLines';
import { orderSteps } from './timelineOrder';
import { cellTrends, trendRange, type TrendPoint } from './trends';
import { cellId } from '../jobs';

export interface TimelineStep {
  /** Position in the build's own record, the step's identity within its cell. */
  position: number;
  stage: string;
  index: number;
  instruction: string;
  seconds: number;
  /** "4.2 s" */
  duration: string;
  cached: boolean;
  /** The bar's length: seconds ÷ the slowest step of the variant (one scale per variant), 0–1. */
  share: number;
  /** 0-based line of the instruction in the variant's Dockerfile, when it could be found. */
  line?: number;
  /** It ran once in its platform's shared warm-up, which this cell waited for: `seconds` are the warm-up's. */
  warmup?: true;
}

export interface TimelineCell {
  variant: string;
  platform: string;
  engine: EngineKind;
  emulated: boolean;
  status: BuildRecord['status'];
  startedAt: string;
  seconds: number;
  /** "12.4 s" */
  total: string;
  totalSteps: number;
  cachedSteps: number;
  /** "14/16 steps cached (88%)" */
  cachedLine: string;
  /** In Dockerfile order (see orderSteps). */
  steps: TimelineStep[];
  /** The cell's last 20 recorded builds, oldest first (`multiarch timings --history`): the per-cell chart. */
  trend: TrendPoint[];
  /** "12.4 s → 0.9 s over 5 builds; cached 0% → 100%", the chart's text for screen readers and tooltips. */
  trendLine: string;
}

export interface TimelineVariant {
  variant: string;
  /** Absolute path of the Dockerfile the steps' lines refer to. */
  dockerfile?: string;
  cells: TimelineCell[];
  /** "linux/arm64 took 3.9× the linux/amd64 time for the same steps", one per emulated platform compared. */
  emulation: string[];
}

/** A variant's Dockerfile, read by the caller (the model itself does no I/O). */
export interface VariantDockerfile {
  path: string;
  /** Undefined when the file could not be read: the steps then have no line. */
  text?: string;
}

/**
 * Per variant (in `order`, then any other recorded variant by name), the latest timed build of each of its
 * cells (`latestTimed`, as `multiarch timings`), their totals from `cellTimings` and the emulation factors
 * from `emulationComparisons`.
 */
export function timelineModel(
  records: BuildRecord[],
  dockerfiles: ReadonlyMap<string, VariantDockerfile>,
  order: readonly string[] = [],
): TimelineVariant[] {
  const latest = latestTimed(records);
  const comparisons = emulationComparisons(records);
  const trends = new Map(cellTrends(records).map((t) => [cellId(t), t]));
  const names = [...new Set(latest.map((r) => r.variant))].sort(
    (a, b) => rank(order, a) - rank(order, b) || a.localeCompare(b),
  );
  return names.map((variant): TimelineVariant => {
    const file = dockerfiles.get(variant);
    const mine = latest.filter((r) => r.variant === variant).sort((a, b) => a.platform.localeCompare(b.platform));
    const slowest = Math.max(0, ...mine.flatMap((r) => r.timing!.steps.map((s) => s.seconds)));
    const cells = mine.map((r): TimelineCell => {
      const t = cellTimings(r);
      const lines = file?.text === undefined ? [] : stepLines(file.text, r.timing!.steps, r.engine);
      const steps = r.timing!.steps.map((s, position): TimelineStep => {
        const line = lines[position];
        return {
          position,
          stage: s.stage,
          index: s.index,
          instruction: s.instruction,
          seconds: s.seconds,
          duration: formatSeconds(s.seconds),
          cached: s.cached,
          share: slowest > 0 ? s.seconds / slowest : 0,
          ...(line !== undefined ? { line } : {}),
          ...(s.warmup && !s.cached ? { warmup: true as const } : {}),
        };
      });
      return {
        variant,
        platform: r.platform,
        engine: r.engine,
        emulated: t.emulated,
        status: r.status,
        startedAt: r.startedAt,
        seconds: t.seconds,
        total: formatSeconds(t.seconds),
        totalSteps: t.totalSteps,
        cachedSteps: t.cachedSteps,
        cachedLine: cachedStepsLine(t),
        steps: orderSteps(steps, 'dockerfile'),
        ...trendOf(trends.get(cellId(r))),
      };
    });
    return {
      variant,
      ...(file ? { dockerfile: file.path } : {}),
      cells,
      emulation: comparisons.filter((c) => c.variant === variant).map(emulationLine),
    };
  });
}

function rank(order: readonly string[], name: string): number {
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}

function trendOf(t: ReturnType<typeof cellTrends>[number] | undefined): Pick<TimelineCell, 'trend' | 'trendLine'> {
  if (!t) return { trend: [], trendLine: '' };
  const cached = t.builds.map((b) => b.cachedPercent).filter((c): c is number => c !== undefined);
  const cache = cached.length ? `; cached ${cached[0]}% → ${cached[cached.length - 1]}%` : '';
  const n = t.builds.length;
  return { trend: t.builds, trendLine: `${trendRange(t)} over ${n} build${n === 1 ? '' : 's'}${cache}` };
}
