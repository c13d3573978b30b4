import type { ResolvedConfig, ResolvedVariant } from '../config/types';
import type { EngineKind, Job, OutputMode } from '../jobs';

/** What an engine is asked to build: one variant, some of its platforms, one output mode. */
export interface JobRequest {
  config: ResolvedConfig;
  variant: ResolvedVariant;
  platforms: string[];
  output: OutputMode;
  /** The engine can load a multi-platform image into its local store (containerd store, podman manifest). */
  canLoadManifestList?: boolean;
  /** Name of the buildx builder to use, when not the current one. */
  builder?: string;
}

/**
 * Pure function: a request becomes one or more jobs with exact argv.
 * buildx: one job per variant (all platforms), unless loading without a manifest-list-capable store → one per platform.
 * podman: one job per variant (`--manifest`), push/export as `after` steps.
 * docker (no buildx): one job per platform.
 */
export type JobBuilder = (req: JobRequest) => Job[];

export interface EngineInfo {
  kind: EngineKind;
  version?: string;
  /** Why this engine was chosen (shown in the log and the tree). */
  reason: string;
  canLoadManifestList: boolean;
}
