import type { BuildNode, NodeEngine, OutputMode } from '../jobs';

/** The multiarch.yaml file as users write it (validated by schemas/multiarch.schema.json). */
export interface RawConfig {
  image?: string;
  tag?: string;
  dockerfile?: string;
  context?: string;
  target?: string;
  variantArg?: string;
  platforms?: string[];
  args?: Record<string, string>;
  tags?: string[];
  archTag?: string;
  registry?: string;
  output?: OutputMode;
  verify?: VerifyConfig;
  nodes?: RawNode[];
  variants?: Record<string, RawVariant | null>;
}

/** One entry of `nodes:` (and of the machine-level node list, which has the same shape). */
export interface RawNode {
  name: string;
  engine: NodeEngine;
  endpoint: string;
  platforms: string[];
}

export interface RawVariant {
  args?: Record<string, string>;
  platforms?: string[];
  target?: string;
  dockerfile?: string;
  tags?: string[];
  verify?: VerifyConfig;
}

export interface VerifyConfig {
  /** argv run inside the image for the "architecture" check; default ["uname", "-m"]. */
  command?: string[];
  /** The project's own smoke checks, run after (or, when `command` is absent, instead of) the architecture check. */
  checks?: VerifyCheck[];
}

/** One named command run in a fresh container of each built cell. */
export interface VerifyCheck {
  name: string;
  command: string[];
  /** Regular expression the output must match; default: the platform's machine name appears as a word. */
  expect?: string;
  /** `--network` of the container; default "none". */
  network?: string;
  /** Seconds before the check fails and its container is removed; default 60. */
  timeout?: number;
}

/** A config with every default applied and every path absolute. */
export interface ResolvedConfig {
  /** Absolute path of the config file, or undefined when synthesised from a Dockerfile. */
  file?: string;
  /** Folder the config lives in; relative paths resolve against it. */
  root: string;
  image: string;
  tag: string;
  registry?: string;
  output: OutputMode;
  variantArg?: string;
  variants: ResolvedVariant[];
  /** Build nodes: the file's `nodes:` plus the machine-level ones the caller passed (the file wins on a name). */
  nodes: BuildNode[];
  /** Things the user should know that do not stop a build (e.g. a machine-level node hidden by the file's). */
  warnings?: string[];
  /** Contexts and Dockerfiles outside the project (`projectBounds.ts`): a build refuses them unless allowed. */
  outside?: OutsidePath[];
}

/** A context or Dockerfile of the config outside the config's folder and its repository root. */
export interface OutsidePath {
  /** Where it is set in the config (empty for a default). */
  pointer: string[];
  key: 'context' | 'dockerfile';
  /** The absolute path, symlinks resolved. */
  path: string;
  /** The folder it is outside of. */
  project: string;
  line: number;
  column: number;
}

export interface ResolvedVariant {
  name: string;
  dockerfile: string;
  context: string;
  target?: string;
  platforms: string[];
  args: Record<string, string>;
  /** Tag templates for the multi-platform image ({image} {tag} {variant} {registry}). */
  tags: string[];
  /** Template for the per-architecture tag used when each platform is loaded separately ({arch} allowed). */
  archTag: string;
  /** Checks Verify Architectures runs in each cell's image, in order (at least one). */
  verifyChecks: VerifyCheck[];
}

/** A located problem in a config file. Lines and columns are 1-based. */
export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  /** Where the problem is in the document (JSON pointer, e.g. /variants/redis/platforms/0). */
  path: string;
  message: string;
}

/** What the caller adds to a project's config: nodes from the machine (setting or nodes.yaml). */
export interface ConfigOptions {
  machineNodes?: BuildNode[];
  /** Where the machine nodes came from, for the warning when the file redefines one (e.g. the setting's name). */
  machineNodesOrigin?: string;
}

export type ConfigResult = { ok: true; config: ResolvedConfig } | { ok: false; problems: ConfigProblem[] };
