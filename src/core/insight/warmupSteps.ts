// A shared-prefix warm-up (core/schedule) builds the steps every variant of a platform shares once, before the
// variants fan out; each variant's build then finds those steps in the cache. Left as they are, every cell
// records them as cached and the line's real cost (often an emulated RUN) shows nowhere. So each cell that
// waited for a warm-up gets the warm-up's seconds on the steps the warm-up ran, marked `warmup`.
import type { CellTiming, StepRecord } from './types';

function sameStep(a: StepRecord, b: StepRecord): boolean {
  if (a.index !== b.index || a.instruction !== b.instruction) return false;
  // The warm-up builds a copy of the Dockerfile cut after the shared steps: the same stage names and text up
  // to there, but fewer stages, so an unnamed stage can be numbered differently; its source line then decides.
  if (a.stage === b.stage) return true;
  return !!a.source && !!b.source && a.source.line === b.source.line && a.source.hash === b.source.hash;
}

/**
 * `timing` with each cached step that a warm-up of its cell ran (not from cache) replaced by the warm-up's
 * step: its seconds and start, `cached: false`, `warmup: true`. Steps the warm-up itself found cached stay cached.
 */
export function creditWarmups(timing: CellTiming, warmups: readonly (readonly StepRecord[])[]): CellTiming {
  const ran = warmups.flat().filter((s) => !s.cached);
  if (!ran.length) return timing;
  const steps = timing.steps.map((step): StepRecord => {
    if (!step.cached) return step;
    const warm = ran.find((w) => sameStep(step, w));
    if (!warm) return step;
    // When it ran too: the same span in every cell it is credited to counts once (report/stepContention.ts).
    const at = warm.at !== undefined ? { at: warm.at } : {};
    return { ...step, seconds: warm.seconds, cached: false, warmup: true, ...at };
  });
  return { ...timing, steps };
}
