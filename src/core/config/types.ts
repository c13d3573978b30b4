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
  variants?: Record<string, RawVariant | null>;
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
  /** argv run inside the image; default ["uname", "-m"]. */
  command?: string[];
}

export type OutputMode = 'load' | 'oci' | 'push';

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
  verifyCommand: string[];
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

export type ConfigResult =
  | { ok: true; config: ResolvedConfig }
  | { ok: false; problems: ConfigProblem[] };
