// What each line of a Dockerfile cost in the latest recorded build of each cell that builds it: per
// platform seconds, the QEMU factor, how many cells the cache served, and the emulation hot spots.
// The editor's lens, hover and hot-spot diagnostics and `multiarch timings` all read this model.
import type { EngineKind } from '../jobs';
import type { BuildRecord } from '../results/types';
import { shortPlatform } from '../sizes/format';
import { CurrentDockerfile, placeSteps } from './placeSteps';
import { formatSeconds, latestTimed } from './timings';

/** An emulated step is a hot spot from this many seconds… */
export const HOT_SPOT_SECONDS = 5;
/** …when it also took at least this many times its native time. */
export const HOT_SPOT_FACTOR = 4;

/** One cell's latest build of one line. */
export interface LineCell {
  variant: string;
  platform: string;
  engine: EngineKind;
  /** undefined when the engine cannot say (a buildx builder may have a native node). */
  emulated?: boolean;
  seconds: number;
  cached: boolean;
  /** It ran once in the platform's shared warm-up, which this cell's build waited for: `seconds` are the warm-up's. */
  warmup?: boolean;
  /** The line's text changed since this build. */
  stale: boolean;
  startedAt: string;
  /** The step's position in the build's record: with variant and platform, its key in the Build Timeline. */
  position: number;
  stage: string;
}

export interface PlatformFact {
  platform: string;
  /** The slowest fresh cell of this platform that ran the step; undefined when the cache served them all. */
  seconds?: number;
  emulated: boolean;
  /** Emulated platforms: emulated seconds ÷ native seconds of the same step, when both ran. */
  factor?: number;
}

export interface HotSpot {
  variant: string;
  platform: string;
  /** The native platform compared with. */
  native: string;
  seconds: number;
  nativeSeconds: number;
  factor: number;
}

export interface LineFact {
  /** 0-based line of the instruction in the Dockerfile as it is now. */
  line: number;
  /** The instruction as written now, on one line (first 80 characters). */
  instruction: string;
  /** Every cell whose latest build placed a step here, by variant then platform. */
  cells: LineCell[];
  /** No cell built the line as it is written now: what was measured describes text that is gone. */
  stale: boolean;
  /** From the fresh cells only. */
  platforms: PlatformFact[];
  cached: number;
  total: number;
  hotSpots: HotSpot[];
  /** "amd64 3.5 s · arm64 26.0 s (QEMU 7.4×) · cached in 5/7 cells", or why the numbers are not shown. */
  summary: string;
}

/** The facts of every line some cell recorded, in line order; nothing when no variant using it was built. */
export function dockerfileFacts(
  text: string,
  variants: readonly string[],
  records: readonly BuildRecord[],
): LineFact[] {
  const latest = latestTimed(records.filter((r) => variants.includes(r.variant)));
  if (!latest.length) return [];
  const file = new CurrentDockerfile(text);
  const byLine = new Map<number, LineCell[]>();
  for (const r of latest) {
    const steps = r.timing!.steps;
    placeSteps(file, steps, r.engine).forEach((placed, position) => {
      if (!placed) return;
      const s = steps[position]!;
      const cell: LineCell = {
        variant: r.variant,
        platform: r.platform,
        engine: r.engine,
        ...(r.emulated !== undefined ? { emulated: r.emulated } : {}),
        seconds: s.seconds,
        cached: s.cached,
        ...(s.warmup ? { warmup: true } : {}),
        stale: placed.stale,
        startedAt: r.startedAt,
        position,
        stage: s.stage,
      };
      byLine.set(placed.line, [...(byLine.get(placed.line) ?? []), cell]);
    });
  }
  return [...byLine.entries()]
    .sort(([a], [b]) => a - b)
    .map(([line, cells]) => lineFact(line, file.at(line)?.text ?? '', cells));
}

function lineFact(line: number, written: string, all: LineCell[]): LineFact {
  const cells = [...all].sort((a, b) => a.variant.localeCompare(b.variant) || a.platform.localeCompare(b.platform));
  const fresh = cells.filter((c) => !c.stale);
  const platforms = platformFacts(fresh);
  const cached = fresh.filter((c) => c.cached).length;
  const hotSpots = hotSpotsOf(fresh);
  const stale = fresh.length === 0;
  const fact = {
    line,
    instruction: written.slice(0, 80),
    cells,
    stale,
    platforms,
    cached,
    total: fresh.length,
    hotSpots,
  };
  return { ...fact, summary: summaryOf(fact, cells.length - fresh.length) };
}

function platformFacts(cells: readonly LineCell[]): PlatformFact[] {
  const names = [...new Set(cells.map((c) => c.platform))].sort();
  const ran = (c: LineCell): boolean => !c.cached;
  const slowest = (cs: readonly LineCell[]): number | undefined =>
    cs.some(ran) ? Math.max(...cs.filter(ran).map((c) => c.seconds)) : undefined;
  return names.map((platform): PlatformFact => {
    const mine = cells.filter((c) => c.platform === platform);
    const emulated = mine.some((c) => c.emulated === true);
    const seconds = slowest(mine);
    const factor = emulated ? factorOf(mine, cells) : undefined;
    return {
      platform,
      ...(seconds !== undefined ? { seconds } : {}),
      emulated,
      ...(factor !== undefined ? { factor } : {}),
    };
  });
}

/**
 * Emulated ÷ native seconds over the variants whose step ran on both; when none did, the slowest emulated
 * run against the slowest native run of any variant (one Dockerfile, one step, different build args).
 */
function factorOf(emulated: readonly LineCell[], all: readonly LineCell[]): number | undefined {
  const natives = all.filter((c) => c.emulated === false && !c.cached && c.seconds > 0);
  let e = 0;
  let n = 0;
  for (const c of emulated.filter((x) => x.emulated === true && !x.cached)) {
    const native = natives.find((x) => x.variant === c.variant);
    if (!native) continue;
    e += c.seconds;
    n += native.seconds;
  }
  if (n === 0) {
    const ran = emulated.filter((x) => x.emulated === true && !x.cached);
    if (!ran.length || !natives.length) return undefined;
    e = Math.max(...ran.map((c) => c.seconds));
    n = Math.max(...natives.map((c) => c.seconds));
  }
  return round1(e / n);
}

/** Emulated runs of at least 5 s that took at least 4× the native run of the same variant (or else the slowest native run). */
function hotSpotsOf(cells: readonly LineCell[]): HotSpot[] {
  const natives = cells.filter((c) => c.emulated === false && !c.cached && c.seconds > 0);
  const out: HotSpot[] = [];
  for (const c of cells) {
    if (c.emulated !== true || c.cached || c.seconds < HOT_SPOT_SECONDS) continue;
    const native =
      natives.find((n) => n.variant === c.variant) ?? [...natives].sort((a, b) => b.seconds - a.seconds)[0];
    if (!native || c.seconds < HOT_SPOT_FACTOR * native.seconds) continue;
    out.push({
      variant: c.variant,
      platform: c.platform,
      native: native.platform,
      seconds: c.seconds,
      nativeSeconds: native.seconds,
      factor: round1(c.seconds / native.seconds),
    });
  }
  return out;
}

function summaryOf(fact: Omit<LineFact, 'summary'>, staleCells: number): string {
  if (fact.stale)
    return `stale: changed since the last build (${plural(staleCells, 'cell')}); build again for fresh numbers`;
  const parts = fact.platforms.map((p) => {
    const seconds = p.seconds === undefined ? 'cached' : formatSeconds(p.seconds);
    const qemu = p.factor !== undefined ? ` (QEMU ${p.factor}×)` : p.emulated ? ' (QEMU)' : '';
    return `${shortPlatform(p.platform)} ${seconds}${qemu}`;
  });
  parts.push(`cached in ${fact.cached}/${plural(fact.total, 'cell')}`);
  const warmed = [...new Set(fact.cells.filter((c) => !c.stale && c.warmup).map((c) => shortPlatform(c.platform)))];
  if (warmed.length) parts.push(`ran once in the shared warm-up (${warmed.join(', ')})`);
  if (staleCells) parts.push(`${plural(staleCells, 'cell')} not rebuilt since the edit`);
  return parts.join(' · ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
