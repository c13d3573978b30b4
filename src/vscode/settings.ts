// The one place the extension reads (and writes) its settings: each `multiarch.*` setting has a typed getter here.
import * as vscode from 'vscode';
import { defaultPlatforms as builtInPlatforms } from '../core/config/resolve';
import { isEngineSetting, type EngineSetting } from '../core/engines/programs';
import type { RuleSetting } from '../core/lint';
import type { BuildNode } from '../core/nodes/types';
import type { Log } from './log';
import type { OutputMode } from '../core/jobs';

const section = (scope?: vscode.ConfigurationScope) => vscode.workspace.getConfiguration('multiarch', scope);

/** `multiarch.defaultPlatforms`: what a folder with a Dockerfile but no multiarch.yaml builds. */
export function defaultPlatforms(scope?: vscode.ConfigurationScope): string[] {
  return section(scope).get<string[]>('defaultPlatforms') ?? builtInPlatforms;
}

/** `multiarch.engine`; anything but a known value reads as `auto`. */
export function engineSetting(): EngineSetting {
  const v = section().get<string>('engine');
  return isEngineSetting(v) ? v : 'auto';
}

/** Writes `multiarch.engine` for this workspace (user settings when no folder is open). */
export function setEngineSetting(value: string): Thenable<void> {
  const target = vscode.workspace.workspaceFolders?.length
    ? vscode.ConfigurationTarget.Workspace
    : vscode.ConfigurationTarget.Global;
  return section().update('engine', value, target);
}

/** A setting only where the user set it (folder, workspace or user settings), not its contributed default. */
function userValue<T>(key: string, scope?: vscode.ConfigurationScope): T | undefined {
  const i = section(scope).inspect<T>(key);
  return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
}

/** `multiarch.output` only when the user set it; otherwise the config file's `output:` decides. */
export function explicitOutput(scope?: vscode.ConfigurationScope): OutputMode | undefined {
  return userValue<OutputMode>('output', scope);
}

/**
 * `multiarch.maxParallelJobs` when the user set it, at least 1; unset, undefined: the runner's default
 * (DEFAULT_CONCURRENCY, the run's last build beside the others: startJob.ts buildSlots).
 */
export function maxParallelJobs(): number | undefined {
  const jobs = userValue<number>('maxParallelJobs');
  return jobs === undefined ? undefined : Math.max(1, jobs);
}

/** `multiarch.skipUpToDate` for this folder: whether a podman or dockerd job nothing changed for is left as it is. */
export function skipUpToDate(scope?: vscode.ConfigurationScope): boolean {
  return section(scope).get<boolean>('skipUpToDate') ?? true;
}

/** `multiarch.buildTimeoutMinutes` in milliseconds; undefined when 0 (no limit). */
export function buildTimeoutMs(): number | undefined {
  const minutes = section().get<number>('buildTimeoutMinutes') ?? 60;
  return minutes > 0 ? minutes * 60_000 : undefined;
}

/** `multiarch.lint.enable` for this document's folder. */
export function lintEnabled(uri: vscode.Uri): boolean {
  return vscode.workspace.getConfiguration('multiarch.lint', uri).get<boolean>('enable', true);
}

/** `multiarch.lint.rules` for this document's folder: severity or `off` per rule. */
export function lintRules(uri: vscode.Uri): Record<string, RuleSetting> {
  return vscode.workspace.getConfiguration('multiarch.lint', uri).get<Record<string, RuleSetting>>('rules') ?? {};
}

/** The raw `multiarch.nodes` value (machine scope: this machine's user settings only). */
export function nodesSetting(): unknown {
  return section().get<unknown>('nodes');
}

/** Writes `multiarch.nodes` to the user's own settings on this machine, never the workspace's; empty removes it. */
export function setNodesSetting(nodes: unknown[]): Thenable<void> {
  return section().update('nodes', nodes.length ? nodes : undefined, vscode.ConfigurationTarget.Global);
}

export const nodesSettingOrigin = 'the multiarch.nodes setting';

/**
 * The machine-level build nodes from `multiarch.nodes`, checked by the config schema; a bad value is ignored (and
 * logged). The checker (the schema's validator) is loaded here, on first use, not with this module at activation.
 */
export async function machineNodes(log?: Log): Promise<BuildNode[]> {
  const { machineNodesFrom } = await import('../core/config/machineNodes');
  const r = machineNodesFrom(nodesSetting(), nodesSettingOrigin);
  if (r.ok) return r.nodes;
  for (const p of r.problems)
    log?.warn(
      `${nodesSettingOrigin}${p.path === '/' ? '' : ` ${p.path}`}: ${p.message}; fix it in the user settings (Preferences: Open User Settings (JSON))`,
    );
  return [];
}

/** How the build facts of each Dockerfile line show: `multiarch.buildFacts` (off, lens or hint; lens by default). */
export type BuildFactsDisplay = 'off' | 'lens' | 'hint';

export function buildFactsDisplay(scope?: vscode.ConfigurationScope): BuildFactsDisplay {
  const v = section(scope).get<string>('buildFacts');
  return v === 'off' || v === 'hint' ? v : 'lens';
}
