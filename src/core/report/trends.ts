// How each cell's builds trend: the last 20 recorded builds' own time and share of cached steps, for
// `multiarch timings --history`, the report's Cache section and the Build Timeline's per-cell chart.
import { cellId } from '../jobs';
import type { BuildRecord } from '../results/types';
import { formatSeconds } from './timings';

export const TREND_BUILDS = 20;

export interface TrendPoint {
  startedAt: string;
  status: BuildRecord['status'];
  /** The cell's own seconds (its steps' span when recorded, else the whole job's). */
  seconds: number;
  /** Share of steps the cache served, 0–100; undefined when the build recorded no steps. */
  cachedPercent?: number;
}

export interface CellTrend {
  variant: string;
  platform: string;
  /** Oldest first, at most TREND_BUILDS. */
  builds: TrendPoint[];
}

/** Per cell (variant then platform), its last 20 builds, oldest first. */
export function cellTrends(records: readonly BuildRecord[], variants?: readonly string[]): CellTrend[] {
  const byCell = new Map<string, BuildRecord[]>();
  for (const r of records) {
    if (variants?.length && !variants.includes(r.variant)) continue;
    byCell.set(cellId(r), [...(byCell.get(cellId(r)) ?? []), r]);
  }
  return [...byCell.values()]
    .map((rs): CellTrend => {
      const sorted = [...rs].sort((a, b) => a.startedAt.localeCompare(b.startedAt)).slice(-TREND_BUILDS);
      return { variant: sorted[0]!.variant, platform: sorted[0]!.platform, builds: sorted.map(point) };
    })
    .sort((a, b) => a.variant.localeCompare(b.variant) || a.platform.localeCompare(b.platform));
}

function point(r: BuildRecord): TrendPoint {
  const steps = r.timing?.steps ?? [];
  return {
    startedAt: r.startedAt,
    status: r.status,
    seconds: r.timing ? r.timing.seconds : Math.round(r.durationMs / 10) / 100,
    ...(steps.length ? { cachedPercent: Math.round((steps.filter((s) => s.cached).length / steps.length) * 100) } : {}),
  };
}

const BLOCKS = '▁▂▃▄▅▆▇█';

/** One character per value, scaled from 0 to the largest: "▁▃█▂". */
export function sparkline(values: readonly number[], max = Math.max(0, ...values)): string {
  return values.map((v) => BLOCKS[max > 0 ? Math.min(7, Math.round((v / max) * 7)) : 0]).join('');
}

/** "12.4 s → 0.9 s": the first and the latest build. */
export function trendRange(t: CellTrend): string {
  const first = t.builds[0]!;
  const last = t.builds[t.builds.length - 1]!;
  return t.builds.length > 1
    ? `${formatSeconds(first.seconds)} → ${formatSeconds(last.seconds)}`
    : formatSeconds(last.seconds);
}

/** Human output of `multiarch timings --history`. */
export function trendsText(trends: readonly CellTrend[]): string {
  const lines: string[] = [];
  for (const t of trends) {
    const cached = t.builds.map((b) => b.cachedPercent);
    const failed = t.builds.filter((b) => b.status !== 'succeeded').length;
    lines.push(
      `${t.variant} on ${t.platform}: ${t.builds.length} build${t.builds.length === 1 ? '' : 's'}, ${trendRange(t)}${failed ? ` (${failed} not succeeded)` : ''}`,
      `  time   ${sparkline(t.builds.map((b) => b.seconds))}  oldest → newest`,
      `  cached ${sparkline(
        cached.map((c) => c ?? 0),
        100,
      )}  ${cached.map((c) => (c === undefined ? '–' : `${c}%`)).join(' ')}`,
    );
  }
  return lines.join('\n') + '\n';
}
