import type { Cell } from './cells';
import type { LintModel } from './model';
import type { Fix, Range, RuleMeta, Severity } from './types';

export type Report = (range: Range, message: string, fix?: Fix) => void;

/**
 * One check: metadata plus a pass over the shared model. Rules never parse on their own. A rule whose
 * answer depends on build args or platform has `checkCell`: with a matrix it runs once per cell and the
 * linter merges equal findings, saying which cells they affect; without one, `check` runs (or `checkCell`
 * with BuildKit's defaults).
 */
export interface Rule {
  meta: RuleMeta;
  check?(model: LintModel, report: Report): void;
  checkCell?(model: LintModel, cell: Cell, report: Report): void;
}

/** The BuildKit release whose checks, messages and lines the BuildKit rules follow. */
export const BUILDKIT_RELEASE = 'BuildKit v0.32 (Dockerfile frontend 1.26.0, moby/buildkit 73ed6825c of 2026-08-21)';

/** Marks a fix as a suggestion: offered, never applied in bulk (see `Fix.suggestion`). */
export function suggestion(fix: Fix): Fix;
export function suggestion(fix: Fix | undefined): Fix | undefined;
export function suggestion(fix: Fix | undefined): Fix | undefined {
  return fix && { ...fix, suggestion: true };
}

/** BuildKit rule pages live at docs.docker.com/reference/build-checks/<kebab-case-name>/. */
export function buildkitUrl(name: string): string {
  const kebab = name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
  return `https://docs.docker.com/reference/build-checks/${kebab}/`;
}

/** Where this project documents its own rules (one README section per rule). */
export const PROJECT_RULES_URL = 'https://github.com/multiarch-builds/multiarch-builds/blob/main/README.md';

export function buildkitRule(name: string, description: string, experimental = false): RuleMeta {
  return { name, description, url: buildkitUrl(name), severity: 'warning', experimental };
}

export function projectRule(name: string, description: string, severity: Severity = 'warning'): RuleMeta {
  // GitHub's anchor for a "MultiArch/Name" heading.
  const anchor = `multiarch/${name}`.toLowerCase().replace(/[^a-z0-9-]+/g, '');
  return { name: `MultiArch/${name}`, description, url: `${PROJECT_RULES_URL}#${anchor}`, severity };
}
