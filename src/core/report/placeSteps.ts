// Puts the steps of a recorded build on the Dockerfile as it is now: a step whose written text is still
// there (its `source` hash) is placed on that instruction wherever it moved, fresh; any other step is
// placed the way the Build Timeline finds it (stepLines) and is stale, since its text changed after the build.
import { INSTRUCTION_CHARS, type StepRecord } from '../insight/types';
import type { EngineKind } from '../jobs';
import { LintModel } from '../lint/model';
import { normalise, stepLines } from './stepLines';
import { writtenInstructions, type WrittenInstruction } from './stepSources';

/** A Dockerfile as it is now, parsed once for every record placed on it. */
export class CurrentDockerfile {
  readonly model: LintModel;
  readonly written: WrittenInstruction[];
  private readonly byLine: Map<number, WrittenInstruction>;
  private readonly byHash = new Map<string, number[]>();

  constructor(readonly text: string) {
    this.model = new LintModel(text);
    this.written = writtenInstructions(this.model);
    this.byLine = new Map(this.written.map((w) => [w.line, w]));
    for (const w of this.written) this.byHash.set(w.hash, [...(this.byHash.get(w.hash) ?? []), w.line]);
  }

  at(line: number): WrittenInstruction | undefined {
    return this.byLine.get(line);
  }

  linesWith(hash: string): readonly number[] {
    return this.byHash.get(hash) ?? [];
  }
}

export interface PlacedStep {
  line: number;
  /** The instruction's text changed since the build: its numbers describe text that is no longer there. */
  stale: boolean;
}

/** Each step's place in `file`, in the record's order; undefined when it cannot be placed at all. */
export function placeSteps(
  file: CurrentDockerfile,
  steps: readonly StepRecord[],
  engine: EngineKind,
): (PlacedStep | undefined)[] {
  const used = new Set<number>();
  const out: (PlacedStep | undefined)[] = steps.map((step) => {
    if (!step.source) return undefined;
    const { line, hash } = step.source;
    // Several equal instructions (a RUN repeated in two stages): the one nearest its old line.
    const free = file.linesWith(hash).filter((l) => !used.has(l));
    const nearest = free.sort((a, b) => Math.abs(a - line) - Math.abs(b - line))[0];
    if (nearest === undefined) return undefined;
    used.add(nearest);
    return { line: nearest, stale: false };
  });
  const guessed = stepLines(file.model, steps, engine);
  steps.forEach((step, i) => {
    if (out[i]) return;
    const line = guessed[i];
    if (line === undefined || used.has(line)) return;
    used.add(line);
    // With a source the text is known to differ; without one (older records) compare with what the engine printed.
    out[i] = {
      line,
      stale: step.source ? true : !sameInstruction(file.at(line)?.text ?? '', step.instruction, engine),
    };
  });
  return out;
}

/**
 * Whether an engine's printed instruction (first 80 characters) can be the written one. podman prints it
 * as written; BuildKit expands build args, so there only the text before the first `$` is compared.
 */
function sameInstruction(written: string, printed: string, engine: EngineKind): boolean {
  const squash = (s: string): string => s.replace(/[\s\\]+/g, '');
  const w = squash(written);
  const p = squash(normalise(printed, '\\'));
  if (!p) return false;
  const cut = engine === 'podman' ? -1 : w.indexOf('$');
  if (cut >= 0) return p.startsWith(w.slice(0, cut));
  // The record keeps the first 80 characters: a longer instruction is compared on those.
  return w === p || (printed.trim().length >= INSTRUCTION_CHARS && w.startsWith(p));
}
