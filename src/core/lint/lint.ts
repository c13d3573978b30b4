import { LintModel } from './model';
import { RULES } from './registry';
import { projectRule, type Rule } from './rule';
import { BOM } from './text';
import type { LintContext, LintDiagnostic, LintOptions, Severity } from './types';

/** BuildKit refuses a Dockerfile whose parser directives are malformed; we say so instead of failing silently. */
export const DIRECTIVE_RULE = projectRule('ParserDirective', 'A check parser directive that BuildKit rejects', 'error');

export interface LintResult {
  diagnostics: LintDiagnostic[];
  model: LintModel;
  /** Rules that threw; always empty unless a rule has a bug (the rest of the lint still runs). */
  failures: Array<{ rule: string; error: unknown }>;
}

/**
 * Lints Dockerfile text with one parse. Positions are relative to the text without a leading BOM
 * (what editors show). Honours `# check=skip=…`, `skip=all`, `experimental=…` and `error=true` like BuildKit.
 */
export function lintDockerfile(text: string, context: LintContext = {}, options: LintOptions = {}): LintResult {
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  const model = new LintModel(body, context);
  const diagnostics: LintDiagnostic[] = [];
  const failures: LintResult['failures'] = [];
  const check = model.check;

  for (const rule of RULES) {
    const severity = effectiveSeverity(rule, model, options);
    if (!severity) continue;
    try {
      rule.check(model, (range, message, fix) => {
        diagnostics.push({ rule: rule.meta.name, message, severity, range, url: rule.meta.url, ...(fix && fix.edits.length ? { fix } : {}) });
      });
    } catch (error) {
      failures.push({ rule: rule.meta.name, error });
    }
  }

  const directive = model.directives.directives.find((d) => d.name === 'check');
  if (check.problem && directive) {
    diagnostics.push({ rule: DIRECTIVE_RULE.name, message: `BuildKit rejects this directive: ${check.problem}`, severity: 'error', range: directive.valueRange, url: DIRECTIVE_RULE.url });
  }
  if (model.directives.duplicate) {
    const d = model.directives.duplicate;
    diagnostics.push({
      rule: DIRECTIVE_RULE.name,
      message: `only one ${d.name} parser directive can be used`,
      severity: 'error',
      range: { start: { line: d.line, character: 0 }, end: { line: d.line, character: model.index.lineText(d.line).length } },
      url: DIRECTIVE_RULE.url,
    });
  }
  diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { diagnostics, model, failures };
}

function effectiveSeverity(rule: Rule, model: LintModel, options: LintOptions): Severity | undefined {
  const name = rule.meta.name;
  const setting = options.rules?.[name];
  if (setting === 'off') return undefined;
  const check = model.check;
  const skipped = check.skipAll || check.skip.has(name);
  if (rule.meta.experimental) {
    // As in BuildKit, an experimental rule runs only when asked for, and when the file asks for it,
    // `skip` does not apply. Asked for by a setting instead, the file's skip still wins.
    const byFile = check.experimentalAll || check.experimental.has(name);
    if (!byFile && (!setting || skipped)) return undefined;
  } else if (skipped) {
    return undefined;
  }
  if (check.error) return 'error';
  return setting ?? rule.meta.severity;
}
