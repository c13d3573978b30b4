// Where each step of a build was written when the build started, kept with its timing: the Dockerfile
// views follow a step when lines move above it, and call it stale once its own text changed.
import { createHash } from 'node:crypto';
import type { CellTiming } from '../insight/types';
import type { EngineKind } from '../jobs';
import { LintModel } from '../lint/model';
import { normalise, stepLines } from './stepLines';

/** One instruction of a Dockerfile as written: its 0-based line and a hash of its normalised text. */
export interface WrittenInstruction {
  line: number;
  hash: string;
  /** The instruction on one line, single spaces. */
  text: string;
}

export function writtenInstructions(model: LintModel): WrittenInstruction[] {
  return model.instructions.map((ins) => {
    const text = normalise(model.rangeText(ins.getRange()), model.escape);
    return { line: ins.getRange().start.line, hash: hashOf(text), text };
  });
}

/** Short, stable and enough to tell two instructions of one file apart; not a security boundary. */
function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * The timing with each step's `source` (line and text hash in `text`, the Dockerfile the build read);
 * steps whose instruction cannot be found keep none.
 */
export function withSources(timing: CellTiming, text: string, engine: EngineKind): CellTiming {
  const model = new LintModel(text);
  const written = new Map(writtenInstructions(model).map((w) => [w.line, w]));
  const lines = stepLines(model, timing.steps, engine);
  return {
    ...timing,
    steps: timing.steps.map((step, i) => {
      const w = lines[i] === undefined ? undefined : written.get(lines[i]);
      return w ? { ...step, source: { line: w.line, hash: w.hash } } : step;
    }),
  };
}
