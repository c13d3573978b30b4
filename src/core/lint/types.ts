/** Plain data shared by the linter, the fix engine, the CLI and the editor glue. Lines and characters are 0-based. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export type Severity = 'error' | 'warning' | 'info';
export type RuleSetting = Severity | 'off';

export interface Fix {
  title: string;
  edits: TextEdit[];
  /**
   * A guess, or a change of what the image does: offered in the lightbulb only, never applied by Fix All,
   * fix on save or `multiarch fix` (ESLint's suggestions, as opposed to its fixes).
   */
  suggestion?: boolean;
}

export interface LintDiagnostic {
  rule: string;
  message: string;
  severity: Severity;
  range: Range;
  /** Where the rule is documented. */
  url: string;
  /** A safe fix: it keeps what the build does and only says it the way BuildKit wants. */
  fix?: Fix;
  /** Fixes that guess or change behaviour; for the editor's lightbulb only. */
  suggestions?: Fix[];
  /** Set when the finding holds in some cells of the build matrix only: those cells. */
  cells?: MatrixCell[];
}

/** One cell of the build matrix: a variant built for one platform. */
export interface MatrixCell {
  variant: string;
  platform: string;
}

/** One variant of the matrix as the linter needs it: its build args, target stage and platforms. */
export interface LintCell {
  variant: string;
  args: Record<string, string>;
  platforms: string[];
  target?: string;
}

export interface RuleMeta {
  name: string;
  description: string;
  url: string;
  /** BuildKit reports every check as a warning; `check=error=true` turns them into errors. */
  severity: Severity;
  /** Experimental BuildKit checks run only when asked for (`# check=experimental=…` or a setting). */
  experimental?: boolean;
}

export interface LintContext {
  /** Contents of the build context's .dockerignore, when there is one. */
  dockerignore?: string;
  /** How many platforms the Dockerfile is built for; undefined when unknown. */
  platformCount?: number;
  /** The variants of the project's multiarch.yaml that build this Dockerfile: the rules that depend on build args or platform run once per cell. */
  matrix?: LintCell[];
  /** The platform the engine runs on (BUILDPLATFORM); linux/amd64 when not given. */
  buildPlatform?: string;
}

export interface LintOptions {
  /** Per-rule override from settings: a severity, or 'off'. */
  rules?: Record<string, RuleSetting>;
}
