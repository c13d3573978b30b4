import type { Cell } from '../jobs';
import { LineSplitter } from './lineSplitter';
import { StepTimer } from './stepTimer';
import type { CellTiming, ProgressParser } from './types';

/** A progress parser that reads whole lines (podman, BuildKit plain): chunking and the timer live here. */
export abstract class LineProgress implements ProgressParser {
  private readonly lines = new LineSplitter();
  protected readonly timer: StepTimer;

  constructor(protected readonly cells: Cell[]) {
    this.timer = new StepTimer(cells);
  }

  feed(text: string, now: number): void {
    for (const line of this.lines.push(text)) this.line(line, now);
  }

  finish(now: number): Record<string, CellTiming> {
    for (const line of this.lines.flush()) this.line(line, now);
    return this.timer.finish(now);
  }

  protected abstract line(line: string, now: number): void;
}
