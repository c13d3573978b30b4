import { availableParallelism } from 'node:os';
import { cellId } from '../jobs';
import type { BuildRecord } from '../results/types';
import type { CellTiming, StepRecord } from '../insight/types';
import { StepContention } from './stepContention';

/** `multiarch timings --json`: the latest timed build of each cell and the cost of emulation per variant. */
export interface TimingsReport {
  cells: CellTimings[];
  emulation: EmulationFactor[];
}

export interface CellTimings {
  variant: string;
  platform: string;
  seconds: number;
  totalSteps: number;
  cachedSteps: number;
  emulated: boolean;
  steps: Omit<StepRecord, 'index'>[];
}

export interface EmulationFactor {
  variant: string;
  platform: string;
  /** Seconds of the steps that ran (not cached) on both platforms: emulated ÷ native. */
  factor: number;
  /**
   * How many other builds on the same machine overlapped the two compared builds (the most of either);
   * absent when none did. Builds sharing the cores slow the native steps too, which dilutes the factor.
   */
  contended?: number;
  /**
   * How many of the compared steps (`of`) ran while more steps than cores did, on either platform: their seconds
   * count at their share of the cores (stepContention.ts), so the factor is an estimate of the builds alone.
   * Absent when every compared step had a core of its own.
   */
  scaled?: { steps: number; of: number };
}

/** The newest build of each cell that recorded steps, newest first within each cell. */
export function latestTimed(records: BuildRecord[]): BuildRecord[] {
  const latest = new Map<string, BuildRecord>();
  for (const r of records) {
    if (!r.timing?.steps.length) continue;
    const id = cellId(r);
    const seen = latest.get(id);
    if (!seen || r.startedAt > seen.startedAt) latest.set(id, r);
  }
  return [...latest.values()];
}

/** `cores`: of the machine the builds ran on (default this one's), for the emulation factor. */
export function timingsReport(records: BuildRecord[], variants?: string[], cores?: number): TimingsReport {
  const latest = latestTimed(records).filter((r) => !variants?.length || variants.includes(r.variant));
  const cells = latest.map(cellTimings);
  const emulation = emulationFactors(records, cores).filter((e) => !variants?.length || variants.includes(e.variant));
  return { cells, emulation };
}

/** One timed build of one cell as `multiarch timings` reports it (the Build Timeline starts from it too). */
export function cellTimings(r: BuildRecord): CellTimings {
  const steps = r.timing?.steps ?? [];
  return {
    variant: r.variant,
    platform: r.platform,
    seconds: r.timing?.seconds ?? 0,
    totalSteps: steps.length,
    cachedSteps: steps.filter((s) => s.cached).length,
    emulated: r.emulated === true,
    steps: steps.map(({ stage, instruction, seconds, cached, warmup }) => ({
      stage,
      instruction,
      seconds,
      cached,
      ...(warmup && !cached ? { warmup } : {}),
    })),
  };
}

/** "14/16 steps cached (88%)". */
export function cachedStepsLine(c: Pick<CellTimings, 'totalSteps' | 'cachedSteps'>): string {
  return `${c.cachedSteps}/${c.totalSteps} steps cached (${c.totalSteps ? Math.round((c.cachedSteps / c.totalSteps) * 100) : 0}%)`;
}

/** "linux/arm64 took 3.9× the linux/amd64 time for the same steps". */
export function emulationLine(
  c: Pick<EmulationComparison, 'platform' | 'native' | 'factor' | 'contended' | 'scaled'>,
): string {
  return `${c.platform} took ${c.factor}× the ${c.native} time for the same steps${factorNote(c)}`;
}

/**
 * Said next to a factor measured while other builds shared the cores (alone, emulation costs more), or one whose
 * crowded steps were counted at their share of the cores (an estimate, not a measurement).
 */
export function factorNote(c: Pick<EmulationFactor, 'contended' | 'scaled'>): string {
  if (c.contended)
    return ` (measured while ${c.contended} other build${c.contended === 1 ? '' : 's'} shared the cores; alone the factor is higher)`;
  if (!c.scaled) return '';
  const { steps, of } = c.scaled;
  return ` (estimated: ${steps} of ${of} step${of === 1 ? '' : 's'} shared the cores with more builds than cores, their times counted at their share of the cores)`;
}

export interface EmulationComparison extends EmulationFactor {
  native: string;
  /**
   * The emulated platform's steps that ran, slowest first, with the native seconds of the same step and, for a
   * step either platform ran in a crowd, both seconds as counted at their share of the cores (`counted`).
   */
  steps: { step: StepRecord; nativeSeconds: number; counted?: { seconds: number; nativeSeconds: number } }[];
}

/**
 * Per variant and emulated platform, the newest build whose steps can be compared with the native build
 * nearest in time (the same podman job, or the docker job of the same round): the steps (stage and
 * position, since an instruction can name the architecture) that ran on both. Omitted when none did,
 * e.g. when every build since the first was served from the cache.
 *
 * Builds sharing the cores slow the steps that ran in the crowd by their share of the CPU. Steps recorded with
 * their start time count at the seconds they would have taken with a core of their own (stepContention.ts):
 * in a Build All on 2 cores the warm-ups each have one, while three variants' emulated steps at once run at two
 * thirds of their speed. Only the steps with a core of their own would leave out a variant's own steps whenever
 * they ran in a crowd, and the shared steps left (a virtualenv under QEMU) emulate worse than a whole build
 * (bench/README.md, "The emulation factor counts crowded steps at their share of the cores"). A comparison
 * that needed no such count is preferred over a newer one that did (`scaled`); for builds recorded without
 * start times, one of two builds that ran alone over a newer one made while other builds ran (`contended`).
 */
/**
 * A step had a core of its own when fewer than `cores` other steps ran beside it for all but this share of
 * its time: builds hand over step to step, and the moment one build's last step and the next build's first
 * overlap is not worth calling the factor an estimate for.
 */
const CROWDED_SHARE = 0.1;

export function emulationComparisons(
  records: BuildRecord[],
  cores: number = availableParallelism(),
): EmulationComparison[] {
  const timed = records.filter((r) => r.timing?.steps.length && r.status === 'succeeded');
  const crowding = new StepContention(records);
  const out: EmulationComparison[] = [];
  const emulatedCells = [...new Map(timed.filter((r) => r.emulated === true).map((r) => [cellId(r), r])).values()];
  for (const cell of emulatedCells) {
    const natives = timed.filter((r) => r.variant === cell.variant && r.emulated === false);
    const history = timed
      .filter((r) => cellId(r) === cellId(cell))
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    let newest: EmulationComparison | undefined;
    for (const emulated of history) {
      const at = Date.parse(emulated.startedAt);
      const native = natives.sort(
        (a, b) => Math.abs(Date.parse(a.startedAt) - at) - Math.abs(Date.parse(b.startedAt) - at),
      )[0];
      const pairs = native && comparedSteps(emulated, native);
      if (!pairs?.length) continue;
      const seen = pairs.map((p) => [
        crowding.contention(p.step, emulated, cores),
        crowding.contention(p.nativeStep, native, cores),
      ]);
      let c: EmulationComparison | undefined;
      let contended = 0;
      if (seen.every((p) => p.every((n) => n !== undefined))) {
        const crowded = seen.map((p) => p.some((n) => n!.crowded > CROWDED_SHARE));
        const steps = crowded.filter(Boolean).length;
        c = comparison(
          emulated,
          native,
          pairs.map((p, i) =>
            crowded[i] ? { ...p, counted: { seconds: seen[i]![0]!.alone, nativeSeconds: seen[i]![1]!.alone } } : p,
          ),
        );
        if (c && steps) c = { ...c, scaled: { steps, of: pairs.length } };
      } else {
        c = comparison(emulated, native, pairs);
        contended = Math.max(overlapping(records, emulated), overlapping(records, native));
      }
      if (!c) continue;
      if (!contended && !c.scaled) {
        newest = c;
        break;
      }
      newest ??= contended ? { ...c, contended } : c;
    }
    if (newest) out.push(newest);
  }
  return out.sort((a, b) => a.variant.localeCompare(b.variant) || a.platform.localeCompare(b.platform));
}

/**
 * Other builds on `r`'s machine whose time overlapped it. One job's cells share its start (a podman job
 * builds its platforms in one call, a split job's parts are one build of the variant), so they count once,
 * and never against themselves.
 */
function overlapping(records: BuildRecord[], r: BuildRecord): number {
  const start = Date.parse(r.startedAt);
  const end = start + r.durationMs;
  const others = new Set<string>();
  for (const o of records) {
    if ((o.node ?? '') !== (r.node ?? '') || (o.variant === r.variant && o.startedAt === r.startedAt)) continue;
    const s = Date.parse(o.startedAt);
    if (s < end && s + o.durationMs > start) others.add(`${o.variant}\0${o.startedAt}`);
  }
  return others.size;
}

interface StepPair {
  step: StepRecord;
  nativeStep: StepRecord;
  /** Both steps' seconds at their share of the cores, for a pair that ran in a crowd. */
  counted?: { seconds: number; nativeSeconds: number };
}

/** The emulated build's steps that ran (not cached) in the native build too, paired by stage and position. */
function comparedSteps(emulated: BuildRecord, native: BuildRecord): StepPair[] {
  const ran = new Map(native.timing!.steps.filter((s) => !s.cached).map((s) => [`${s.stage} ${s.index}`, s]));
  return emulated
    .timing!.steps.filter((s) => !s.cached && ran.has(`${s.stage} ${s.index}`))
    .map((step) => ({ step, nativeStep: ran.get(`${step.stage} ${step.index}`)! }));
}

function comparison(emulated: BuildRecord, native: BuildRecord, pairs: StepPair[]): EmulationComparison | undefined {
  const steps = pairs
    .map(({ step, nativeStep, counted }) => ({
      step,
      nativeSeconds: nativeStep.seconds,
      ...(counted ? { counted } : {}),
    }))
    .sort((a, b) => b.step.seconds - a.step.seconds);
  const nativeSum = steps.reduce((n, s) => n + (s.counted ?? s).nativeSeconds, 0);
  if (!steps.length || nativeSum <= 0) return undefined;
  const emulatedSum = steps.reduce((n, s) => n + (s.counted?.seconds ?? s.step.seconds), 0);
  const factor = Math.round((emulatedSum / nativeSum) * 10) / 10;
  return { variant: emulated.variant, platform: emulated.platform, native: native.platform, factor, steps };
}

export function emulationFactors(records: BuildRecord[], cores?: number): EmulationFactor[] {
  return emulationComparisons(records, cores).map(({ variant, platform, factor, contended, scaled }) => ({
    variant,
    platform,
    factor,
    ...(contended ? { contended } : {}),
    ...(scaled ? { scaled } : {}),
  }));
}

/** "12.4 s · 88% cached": a cell's time and share of cached steps, for tree leaves and tables. */
export function timingLabel(r: Pick<BuildRecord, 'timing'>): string | undefined {
  if (!r.timing?.steps.length) return undefined;
  const cached = r.timing.steps.filter((s) => s.cached).length;
  return `${formatSeconds(r.timing.seconds)} · ${Math.round((cached / r.timing.steps.length) * 100)}% cached`;
}

/** "slowest step: [deps] RUN make (41.2 s)", for tooltips; undefined when every step was cached. */
export function slowestStepLine(timing: CellTiming | undefined): string | undefined {
  const ran = (timing?.steps ?? []).filter((s) => !s.cached).sort((a, b) => b.seconds - a.seconds)[0];
  return ran
    ? `slowest step: ${ran.stage ? `[${ran.stage}] ` : ''}${ran.instruction} (${formatSeconds(ran.seconds)})`
    : undefined;
}

export function formatSeconds(seconds: number): string {
  return seconds < 120 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** Human table for `multiarch timings`. */
export function timingsText(report: TimingsReport): string {
  const lines: string[] = [];
  for (const c of report.cells) {
    lines.push(
      `${c.variant} on ${c.platform}${c.emulated ? ' (emulated)' : ''}: ${formatSeconds(c.seconds)}, ${cachedStepsLine(c)}`,
    );
    for (const s of c.steps) {
      const where = s.stage ? `[${s.stage}] ` : '';
      // A warm-up's step is listed under every cell that waited for it, with the warm-up's seconds: said so, or
      // it reads as run once per variant and out of the cell's own time.
      const once = s.warmup ? '  (ran once in the shared warm-up)' : '';
      lines.push(
        `  ${s.cached ? 'cached ' : formatSeconds(s.seconds).padStart(7)}  ${where}${s.instruction.trimEnd()}${once}`,
      );
    }
  }
  for (const e of report.emulation)
    lines.push(`${e.variant}: ${e.platform} took ${e.factor}× the native time for the same steps${factorNote(e)}`);
  return lines.join('\n') + '\n';
}
