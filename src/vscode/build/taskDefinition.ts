import type * as vscode from 'vscode';
import type { OutputMode } from '../../core/jobs';

export const taskType = 'multiarch';

/** A `multiarch` task as written in tasks.json (schema in package.json taskDefinitions). */
export interface MultiArchTaskDefinition extends vscode.TaskDefinition {
  type: typeof taskType;
  /** A variant name, or "all" for every variant. */
  variant: string;
  platforms?: string[];
  push?: boolean;
  output?: OutputMode;
  /** Config file relative to the workspace folder (default: multiarch.yaml). */
  config?: string;
}

export function isMultiArchDefinition(d: vscode.TaskDefinition): d is MultiArchTaskDefinition {
  return d.type === taskType && typeof d.variant === 'string';
}

/** What to build: the definition's fields with push folded into the output mode. */
export function outputOf(d: MultiArchTaskDefinition, fallback: OutputMode): OutputMode {
  if (d.push) return 'push';
  return d.output ?? fallback;
}

export function taskLabel(d: MultiArchTaskDefinition): string {
  const what = d.variant === 'all' ? 'all variants' : d.variant;
  const platforms = d.platforms?.length ? ` (${d.platforms.join(', ')})` : '';
  const mode = d.push ? ' → push' : d.output && d.output !== 'load' ? ` → ${d.output}` : '';
  return `build ${what}${platforms}${mode}`;
}
