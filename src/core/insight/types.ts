/** One build step of one cell, as the engine's progress output reported it. */
export interface StepRecord {
  /** Stage name (`deps`), BuildKit's `stage-N` for an unnamed stage, or '' for a single-stage file. */
  stage: string;
  /** Position of the step inside its stage, 1-based, as the engine numbers it. */
  index: number;
  /** The instruction, first 80 characters. */
  instruction: string;
  seconds: number;
  cached: boolean;
  /**
   * When the step started, in milliseconds on the clock its build's output was read with (the runner reads
   * with `Date.now()`, so recorded steps carry epoch milliseconds). Lets the emulation factor tell which
   * steps had a core of their own (report/stepContention.ts). Absent for builds recorded before it was kept.
   */
  at?: number;
  /**
   * Where the instruction was written when the build started (report/stepSources.ts): its 0-based line and
   * a hash of its text, so a view can follow it when lines move and call it stale once its text changes.
   * Absent for builds recorded before it was kept, or when the job's Dockerfile could not be read.
   */
  source?: StepSource;
  /**
   * The step ran once in its platform's shared warm-up (core/schedule), which this build waited for, and this
   * build found it in the cache: `seconds` are the warm-up's and `cached` is false, so what the line cost
   * reads where the variants use it (insight/warmupSteps.ts).
   */
  warmup?: boolean;
}

export interface StepSource {
  line: number;
  hash: string;
}

/** What a build's progress said about one cell: its own span and its steps in order. */
export interface CellTiming {
  /** From the start of this platform's first step to the end of its last one. */
  seconds: number;
  steps: StepRecord[];
}

/** Reads an engine's progress output as it streams; `now` is milliseconds on any monotonic clock. */
export interface ProgressParser {
  feed(text: string, now: number): void;
  /** Ends open steps at `now` and returns the timing of every cell (by cellId) that had steps. */
  finish(now: number): Record<string, CellTiming>;
}

export const INSTRUCTION_CHARS = 80;

export function clipInstruction(text: string): string {
  const t = text.trim();
  return t.length > INSTRUCTION_CHARS ? t.slice(0, INSTRUCTION_CHARS) : t;
}
