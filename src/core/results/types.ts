import type { EngineKind, OutputMode } from '../jobs';
import type { CellTiming } from '../insight/types';

export type CellStatus = 'idle' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** What one build of one cell produced. Stored in .multiarch/results.json (history per cell). */
export interface BuildRecord {
  variant: string;
  platform: string;
  engine: EngineKind;
  engineVersion?: string;
  output: OutputMode;
  status: 'succeeded' | 'failed' | 'cancelled';
  startedAt: string; // ISO 8601
  durationMs: number;
  /** Image reference the cell can be run or inspected as. */
  image?: string;
  /** OCI archive or layout path when output was 'oci'. */
  ociPath?: string;
  digest?: string;
  exitCode?: number;
  error?: string;
  /** Whether every platform of the job ran natively or some under emulation. */
  emulated?: boolean;
  /** The build node that built it (its name; a buildx builder's node); absent: this machine (`local`). */
  node?: string;
  /** buildx: the builder that ran the build, as `name (driver, BuildKit version)`. */
  builder?: string;
  /** This cell's own seconds and steps, read from the engine's progress output. */
  timing?: CellTiming;
}
