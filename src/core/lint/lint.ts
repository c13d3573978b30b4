import { LintModel } from './model';
import { looksBinary, parseErrors } from './parseErrors';
import { RULES } from './registry';
import { defaultCell, describeCells, matrixCells, type Cell } from './cells';
import { projectRule, type Report, type Rule } from './rule';
import { BOM } from './text';
import type { CheckConfig } from './directives';
import type { Fix, LintContext, LintDiagnostic, LintOptions, MatrixCell, Range, RuleSetting, Severity } from './types';

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

  const refused = parseErrors(model);
  // A file BuildKit cannot read as a Dockerfile at all gets that one answer, not rule noise about garbage.
  if (refused.length && looksBinary(model.text)) return { diagnostics: refused, model, failures };
  diagnostics.push(...refused);
  const perInstruction = model.instructionChecks;
  const cells = context.matrix?.length ? matrixCells(model, context.matrix, context.buildPlatform) : undefined;
  for (const rule of RULES) {
    const setting = options.rules?.[rule.meta.name];
    let severity = effectiveSeverity(rule, check, setting);
    // A rule off for the file may still be on for one instruction (`# check=experimental=…` above it).
    const onSomewhere =
      !severity &&
      setting !== 'off' &&
      [...perInstruction.values()].some((c) => !!effectiveSeverity(rule, mergeChecks(check, c), setting));
    if (!severity && !onSomewhere) continue;
    severity ??= setting && setting !== 'off' ? setting : check.error ? 'error' : rule.meta.severity;
    const scoped = perInstruction.size > 0 && !FILE_SCOPED.has(rule.meta.name);
    const emit: Report = (range, message, fix) => {
      if (scoped || onSomewhere) {
        const owner = model.instructionAt(range.start.line);
        const own = owner && perInstruction.get(owner);
        const allowed = own
          ? effectiveSeverity(rule, mergeChecks(check, own), setting)
          : effectiveSeverity(rule, check, setting);
        if (!allowed) return;
      }
      const d: LintDiagnostic = { rule: rule.meta.name, message, severity, range, url: rule.meta.url };
      if (fix?.edits.length) {
        if (fix.suggestion) d.suggestions = [fix];
        else d.fix = fix;
      }
      diagnostics.push(d);
    };
    try {
      if (rule.checkCell && cells) runPerCell(model, rule, { cells, emit, diagnostics });
      else if (rule.check) rule.check(model, emit);
      else rule.checkCell?.(model, defaultCell(model, context.buildPlatform), emit);
    } catch (error) {
      failures.push({ rule: rule.meta.name, error });
    }
  }

  const directive = model.directives.directives.find((d) => d.name === 'check');
  if (check.problem && directive) {
    diagnostics.push({
      rule: DIRECTIVE_RULE.name,
      message: `BuildKit rejects this directive: ${check.problem}`,
      severity: 'error',
      range: directive.valueRange,
      url: DIRECTIVE_RULE.url,
    });
  }
  if (model.directives.duplicate) {
    const d = model.directives.duplicate;
    diagnostics.push({
      rule: DIRECTIVE_RULE.name,
      message: `only one ${d.name} parser directive can be used`,
      severity: 'error',
      range: {
        start: { line: d.line, character: 0 },
        end: { line: d.line, character: model.index.lineText(d.line).length },
      },
      url: DIRECTIVE_RULE.url,
    });
  }
  diagnostics.sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
  return { diagnostics, model, failures };
}

/**
 * Runs a rule in every cell and reports each distinct finding once; one that does not hold in every cell
 * says where it does (message and `cells`).
 */
function runPerCell(
  model: LintModel,
  rule: Rule,
  { cells, emit, diagnostics }: { cells: Cell[]; emit: Report; diagnostics: LintDiagnostic[] },
): void {
  const found = new Map<string, { range: Range; message: string; fix?: Fix; cells: MatrixCell[] }>();
  for (const cell of cells) {
    rule.checkCell!(model, cell, (range, message, fix) => {
      const key = `${range.start.line}:${range.start.character}:${range.end.line}:${range.end.character}\u0000${message}`;
      const f = found.get(key);
      if (f) {
        if (!f.cells.some((c) => c.variant === cell.variant && c.platform === cell.platform))
          f.cells.push({ variant: cell.variant, platform: cell.platform });
      } else found.set(key, { range, message, fix, cells: [{ variant: cell.variant, platform: cell.platform }] });
    });
  }
  const universe = cells.map((c) => ({ variant: c.variant, platform: c.platform }));
  for (const f of found.values()) {
    const where = describeCells(f.cells, universe);
    const before = diagnostics.length;
    emit(f.range, where ? `${f.message} (${where})` : f.message, f.fix);
    if (where) for (const d of diagnostics.slice(before)) d.cells = f.cells;
  }
}

/**
 * Rules BuildKit runs with the file's settings only, whatever the comment above an instruction says
 * (they look at the whole file, or at every stage together).
 */
const FILE_SCOPED = new Set([
  'NoEmptyContinuation',
  'ConsistentInstructionCasing',
  'ReservedStageName',
  'DuplicateStageName',
  'InvalidDefaultArgInFrom',
]);

/** The file's settings with an instruction's own `# check=` comment added, as BuildKit merges them. */
function mergeChecks(file: CheckConfig, own: CheckConfig): CheckConfig {
  return {
    skipAll: file.skipAll || own.skipAll,
    skip: new Set([...file.skip, ...own.skip]),
    experimentalAll: file.experimentalAll || own.experimentalAll,
    experimental: new Set([...file.experimental, ...own.experimental]),
    error: file.error,
  };
}

function effectiveSeverity(rule: Rule, check: CheckConfig, setting: RuleSetting | undefined): Severity | undefined {
  const name = rule.meta.name;
  if (setting === 'off') return undefined;
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
