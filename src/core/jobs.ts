// The leaf every stage shares: it imports nothing from the project.

export type EngineKind = 'buildx' | 'podman' | 'docker';

/** Where a build's images go: the local store, an OCI archive, or a registry. */
export type OutputMode = 'load' | 'oci' | 'push';

export type NodeEngine = 'podman' | 'docker';

/** A machine that builds: from multiarch.yaml `nodes:` or the machine-level setting `multiarch.nodes`. */
export interface BuildNode {
  /** Unique; 'local' is reserved for this machine. */
  name: string;
  engine: NodeEngine;
  /** podman: tcp://, ssh://, unix://, or a system connection name; docker: tcp://, ssh://, unix://, or a context name. */
  endpoint: string;
  /** Platforms it builds natively. */
  platforms: string[];
  source: 'config' | 'setting';
}

export const LOCAL_NODE = 'local';

/** One cell of the matrix: a variant built for one platform. */
export interface Cell {
  variant: string;
  platform: string;
}

/** The configured program a job's commands run with: $MULTIARCH_DOCKER / $MULTIARCH_PODMAN pick its path. */
export type EngineProgram = 'docker' | 'podman';

/** The cells a job builds: its bake cells, or its variant on each of its platforms. */
export function jobCells(job: Job): Cell[] {
  return job.cells ?? job.platforms.map((platform) => ({ variant: job.variant, platform }));
}

export function cellId(cell: Cell): string {
  return `${cell.variant}@${cell.platform}`;
}

/** One process to run. A job builds one or more cells of the same variant. */
export interface Job {
  id: string;
  engine: EngineKind;
  variant: string;
  platforms: string[];
  output: OutputMode;
  /** Image references this job produces (multi-arch tag, or per-arch tags when loading separately). */
  tags: string[];
  /** Per-platform image reference when each platform ends up under its own tag. */
  platformTags?: Record<string, string>;
  /**
   * Cells of several variants built by one command (`docker buildx bake`). When absent, the job builds
   * `variant` for each of `platforms`.
   */
  cells?: Cell[];
  /** Image reference per cell (by cellId) when one job builds several variants. */
  cellImages?: Record<string, string>;
  /** Files to write before the job runs (e.g. the bake file), path → content. */
  files?: Record<string, string>;
  /** Where an OCI archive or layout is written, when output is 'oci'. */
  ociPath?: string;
  /**
   * buildx push of some of the variant's platforms: the others, whose images the variant's index keeps
   * (core/build/keepPlatforms.ts).
   */
  keepPlatforms?: string[];
  /** OCI archive per cell (by cellId) when one job writes one archive per variant (a bake). */
  cellOciPaths?: Record<string, string>;
  /**
   * The build node that runs this job (its name; see core/nodes). Absent: this machine (`local`). The node's
   * engine flags (`engineArgs`) are already in argv, before and after, right after argv[0].
   */
  node?: string;
  /** Program and arguments, never a shell string. argv[0] is the program's name as the plan shows it. */
  argv: string[];
  /**
   * The engine program that runs every command of this job (argv, before, after): the runner replaces
   * argv[0] with its configured path. Absent: argv[0] runs as written.
   */
  program?: EngineProgram;
  /** The Dockerfile this job builds, where failures are located; absent when one job builds several (bake). */
  dockerfile?: string;
  /** Where the engine writes the build's metadata (`--metadata-file`); its folder is created before the run. */
  metadataFile?: string;
  /** Extra environment for the process (e.g. DOCKER_BUILDKIT=1). */
  env?: Record<string, string>;
  cwd: string;
  /**
   * Commands run before argv whose failure is ignored: clearing what a previous build left behind
   * (`podman build --manifest` appends to an existing list instead of replacing it).
   */
  before?: string[][];
  /** Commands to run after argv succeeds (e.g. podman manifest push). Each is an argv. */
  after?: string[][];
  /** Replace-on-success: the job builds under temporary names, which a failure or cancel throws away. */
  staging?: Staging;
  /**
   * One build process per platform, run side by side instead of `argv`. podman with a schedule
   * (core/schedule/podmanParts.ts): each started as soon as the warm-ups of its cell are done; `after` then
   * joins their images into the job's manifest list. buildx Build All pushing (core/schedule/buildxParts.ts):
   * each part pushes its image by digest, and once all have, one index listing them goes up under `tags`.
   * `argv` is the first part's.
   */
  parts?: JobPart[];
  /**
   * A `--rebuild` of a podman job nothing changed for (core/build/upToDate.ts `rebuildCached`): the temporary list
   * its build makes and the instances (digests) its tag names now. A build that made those same images again
   * leaves the tag where it is (core/build/madeAgain.ts).
   */
  madeBefore?: { list: string; instances: string[] };
}

/** One platform of a job, built by a process of its own. */
export interface JobPart {
  platform: string;
  argv: string[];
  /** podman: where the part's image id is written (`--iidfile`); `after` makes the list from it (partImageSource). */
  iidfile?: string;
  /** buildx: where the part's metadata goes (`--metadata-file`), which names the digest it pushed. */
  metadataFile?: string;
}

/**
 * What a job writes before it is promoted, and how to undo it. `after` moves the user's tags onto the
 * temporary image only once the build succeeded; the runner renames the files last.
 */
export interface Staging {
  /** Commands that remove the temporary image names; run (failures ignored) when the job fails or is cancelled. */
  discard: string[][];
  /** Temporary file → final path, renamed once every command succeeded. */
  files?: Record<string, string>;
  /** podman: the build-arg value buildah records in each working container of this build (see staging.ts). */
  marker?: string;
  /** podman: the user's tags; manifest lists they named before the build are removed once no name is left on them. */
  replaces?: string[];
  /**
   * docker: the user's tags an after-step moves before a later one (the push) can fail, since `docker push`
   * pushes a name. Their images are recorded before the build and named again when a later step fails.
   */
  restores?: string[];
}

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

export interface Plan {
  engine: EngineKind;
  jobs: Job[];
  /** Base images pulled once per platform before any build (podman; see core/schedule). */
  pulls?: ImagePull[];
  /** Shared stages built once before the variant jobs fan out. */
  warmup?: Warmup[];
  /** The build nodes some job of this plan runs on (the runner probes them first). */
  nodes?: BuildNode[];
  /**
   * buildx Build All split per platform: the inputs of the emulated platforms' shared steps it builds
   * (schedule/buildxPrefixes.ts), recorded once every job succeeded.
   */
  buildxPrefixes?: string[];
}
