import { applyFixes, lintDockerfile, type LintContext, type LintDiagnostic } from '../../../src/core/lint';

export function ruleDiagnostics(text: string, rule: string, context: LintContext = {}): LintDiagnostic[] {
  // Turning a rule on by setting also enables BuildKit's experimental ones.
  return lintDockerfile(text, context, { rules: { [rule]: 'warning' } }).diagnostics.filter((d) => d.rule === rule);
}

export function applyRuleFixes(text: string, rule: string, context: LintContext = {}): string {
  const result = lintDockerfile(text, context, { rules: { [rule]: 'warning' } });
  // A rule's fix, or else its first suggestion: what the lightbulb's first entry would do.
  const fixes = result.diagnostics
    .filter((d) => d.rule === rule)
    .flatMap((d) => (d.fix ? [d.fix] : (d.suggestions?.slice(0, 1) ?? [])));
  return applyFixes(text, fixes, result.model.heredocSpans).text;
}

/** `line:col-endcol` (1-based, as editors show) of a single-line diagnostic. */
export function where(d: LintDiagnostic): string {
  return `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.character + 1}`;
}
