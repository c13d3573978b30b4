import { cellId, type Cell } from '../jobs';
import { clipInstruction, type CellTiming, type StepRecord } from './types';

/** A step while its build runs: arrival-time bounds, plus the engine's own duration when it prints one. */
export interface OpenStep {
  cell: string;
  stage: string;
  index: number;
  instruction: string;
  cached: boolean;
  start: number;
  end?: number;
  /** Seconds the engine reported (BuildKit `DONE 1.2s`, rawjson started/completed). */
  reported?: number;
}

/** Collects steps per cell and turns them into records; shared by every engine's parser. */
export class StepTimer {
  readonly steps: OpenStep[] = [];

  constructor(readonly cells: Cell[]) {}

  /** A step of `cell` that started at `start` (ms): its stage, its index in the stage and its instruction. */
  add(
    cell: Cell,
    { stage, index, instruction }: { stage: string; index: number; instruction: string },
    start: number,
  ): OpenStep {
    const step: OpenStep = {
      cell: cellId(cell),
      stage,
      index,
      instruction: clipInstruction(instruction),
      cached: false,
      start,
    };
    this.steps.push(step);
    return step;
  }

  finish(now: number): Record<string, CellTiming> {
    const out: Record<string, CellTiming> = {};
    for (const cell of this.cells) {
      const id = cellId(cell);
      const mine = this.steps.filter((s) => s.cell === id);
      if (!mine.length) continue;
      const start = Math.min(...mine.map((s) => s.start));
      const end = Math.max(...mine.map((s) => s.end ?? now));
      const steps = mine.map((s): StepRecord => ({
        stage: s.stage,
        index: s.index,
        instruction: s.instruction,
        seconds: round(s.reported ?? ((s.end ?? now) - s.start) / 1000),
        cached: s.cached,
        at: Math.round(s.start),
      }));
      out[id] = { seconds: round((end - start) / 1000), steps };
    }
    return out;
  }
}

export function round(seconds: number): number {
  return Math.max(0, Math.round(seconds * 100) / 100);
}
