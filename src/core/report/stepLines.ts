// Where each recorded build step is written in the Dockerfile, read through the lint model (the project's
// one Dockerfile parser), so the Build Timeline can open the file at a step.
import type { Instruction } from 'dockerfile-ast';
import type { StepRecord } from '../insight/types';
import type { EngineKind } from '../jobs';
import { LintModel, type Stage } from '../lint/model';

export type StepRef = Pick<StepRecord, 'stage' | 'index' | 'instruction'>;

/**
 * The 0-based line of each step's instruction in `text` (undefined when none fits), in the order given.
 *
 * The stage comes from the step's stage name (`deps`, BuildKit's and podman's `stage-N` for the Nth
 * unnamed stage, '' for a single-stage file). Inside the stage, the index is trusted only for podman:
 * buildah numbers every instruction of a stage, FROM and ARG included ("STEP 2/3: ARG TARGETARCH"), so
 * STEP n is the stage's nth instruction. BuildKit numbers only the instructions that make a vertex
 * (`[compile 1/2] COPY` is the stage's third instruction, after FROM and ARG) and prints RUN and COPY
 * with their build args expanded (`"$QUEUE_BACKEND"` shows as `"minimal"`), so there, and whenever the
 * index does not land on the same keyword, the instruction text decides: same keyword, longest common
 * prefix with the written text, an instruction not already taken by an earlier step winning ties.
 */
export function stepLines(
  text: string | LintModel,
  steps: readonly StepRef[],
  engine: EngineKind,
): (number | undefined)[] {
  const model = typeof text === 'string' ? new LintModel(text) : text;
  const taken = new Set<Instruction>();
  return steps.map((step) => {
    const keyword = step.instruction.trim().split(/\s+/, 1)[0]!.toUpperCase();
    const stage = stageOf(model, step.stage);
    const inStage = stage ? [stage.from, ...stage.body] : model.instructions;
    const byIndex = engine === 'podman' && stage ? inStage[step.index - 1] : undefined;
    const found =
      byIndex && model.kw(byIndex) === keyword
        ? byIndex
        : byText(model, { keyword, instruction: step.instruction }, { candidates: inStage, taken });
    if (!found) return undefined;
    taken.add(found);
    return found.getRange().start.line;
  });
}

function stageOf(model: LintModel, name: string): Stage | undefined {
  if (name === '') return model.stages.length === 1 ? model.stages[0] : undefined;
  const named = model.graph.resolve(name);
  if (named !== undefined && !/^\d+$/.test(name)) return model.stages[named];
  const unnamed = /^stage-(\d+)$/.exec(name);
  return unnamed ? model.stages[Number(unnamed[1])] : undefined;
}

/** The candidate whose text best matches the printed `instruction`; one not yet `taken` wins a tie. */
function byText(
  model: LintModel,
  { keyword, instruction }: { keyword: string; instruction: string },
  { candidates, taken }: { candidates: readonly Instruction[]; taken: Set<Instruction> },
): Instruction | undefined {
  const wanted = normalise(instruction, model.escape);
  let best: Instruction | undefined;
  let bestScore = -1;
  for (const ins of candidates) {
    if (model.kw(ins) !== keyword) continue;
    const written = normalise(model.rangeText(ins.getRange()), model.escape);
    // Two points per matching character, one for being free: a free instruction wins a tie, never a better match.
    const score = commonPrefix(written, wanted) * 2 + (taken.has(ins) ? 0 : 1);
    if (score > bestScore) {
      best = ins;
      bestScore = score;
    }
  }
  return best;
}

/** One line, single spaces: how engines print an instruction written over several lines. */
export function normalise(s: string, escape: string): string {
  return s
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter((line) => !line.startsWith('#'))
    .map((line) => (line.endsWith(escape) ? line.slice(0, -1) : line))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
