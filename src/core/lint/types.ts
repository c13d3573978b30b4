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
}

export interface LintDiagnostic {
  rule: string;
  message: string;
  severity: Severity;
  range: Range;
  /** Where the rule is documented. */
  url: string;
  fix?: Fix;
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
}

export interface LintOptions {
  /** Per-rule override from settings: a severity, or 'off'. */
  rules?: Record<string, RuleSetting>;
}
