// The steps each shared-stage warm-up ran, kept for the cells that waited for it until their records are
// made: those cells find the steps cached, and insight/warmupSteps.ts gives them the warm-up's seconds.
import { cellId, type Cell, type Job, type Warmup } from '../jobs';
import type { CellTiming, StepRecord } from '../insight/types';
import { creditWarmups } from '../insight/warmupSteps';
import { JobProgress } from './jobProgress';

/** The warm-up's own steps are timed under one cell per platform with no variant. */
const warmupCell = (platform: string): Cell => ({ variant: '', platform });

export class WarmupTimings {
  private readonly byCell = new Map<string, StepRecord[][]>();

  /** The progress parser of a warm-up's build (its step job builds no variant of its own). */
  static progress(job: Job): JobProgress {
    return new JobProgress({ ...job, cells: job.platforms.map(warmupCell) });
  }

  /** A warm-up ended: when it built, each of its cells will be credited with the steps of its platform. */
  ended(warmup: Warmup, end: { progress: JobProgress | undefined; built: boolean; now: number }): void {
    const { progress, built, now } = end;
    const timings = progress?.finish(now);
    if (!built || !timings) return;
    for (const cell of warmup.cells) {
      const steps = timings[cellId(warmupCell(cell.platform))]?.steps;
      if (!steps?.length) continue;
      const id = cellId(cell);
      this.byCell.set(id, [...(this.byCell.get(id) ?? []), steps]);
    }
  }

  /** A job's timings with its cells' warm-up steps credited; those cells' warm-ups are then forgotten. */
  credit(cells: readonly Cell[], timings: Record<string, CellTiming>): Record<string, CellTiming> {
    const out = { ...timings };
    for (const cell of cells) {
      const id = cellId(cell);
      const warm = this.byCell.get(id);
      this.byCell.delete(id);
      if (warm && out[id]) out[id] = creditWarmups(out[id], warm);
    }
    return out;
  }
}
