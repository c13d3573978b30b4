import type { Cell, EngineProgram } from '../jobs';

/** One image the build starts from, pulled once for one platform before any build. */
export interface ImagePull {
  image: string;
  platform: string;
  /** The cells whose builds use it. */
  cells: Cell[];
  /** The build node whose store it is pulled into (absent: this machine). */
  node?: string;
}

/** A build of a stage every variant shares, run once (per platform) before the variants fan out. */
export interface Warmup {
  stage: string;
  /** Only the stage's first `steps` (the ones every variant shares), from a Dockerfile cut after them (`files`). */
  steps?: number;
  /** Files written before the warm-up runs and removed when it ends: the cut Dockerfile (path → text). */
  files?: Record<string, string>;
  platforms: string[];
  argv: string[];
  program: EngineProgram;
  env?: Record<string, string>;
  cwd: string;
  dockerfile: string;
  /** The cells whose builds wait for it. */
  cells: Cell[];
  /** The build node it runs on (absent: this machine); argv already points at it. */
  node?: string;
  /** podman: the build-arg value that finds the working containers a cancelled warm-up left behind. */
  marker?: string;
}

export interface Schedule {
  pulls: ImagePull[];
  warmup: Warmup[];
}
