/** Public surface of the Dockerfile linter: pure functions over text, no editor and no file system. */
export { lintDockerfile, DIRECTIVE_RULE, type LintResult } from './lint';
export { applyEdits, applyFixes, fixAll, type FixAllOptions, type FixAllResult } from './fix';
export { ignoreRuleEdit } from './ignore';
export { RULES, RULE_NAMES, findRule } from './registry';
export { BUILDKIT_RELEASE } from './rule';
export type {
  Fix,
  LintContext,
  LintDiagnostic,
  LintOptions,
  Position,
  Range,
  RuleMeta,
  RuleSetting,
  Severity,
  TextEdit,
} from './types';
