import * as vscode from 'vscode';
import { machineNodesFrom } from '../core/config/machineNodes';
import type { OutputMode } from '../core/config/types';
import type { BuildNode } from '../core/nodes/types';
import type { Log } from './log';

/** `multiarch.output` only when the user set it; otherwise the config file's `output:` decides. */
export function explicitOutput(scope?: vscode.ConfigurationScope): OutputMode | undefined {
  const i = vscode.workspace.getConfiguration('multiarch', scope).inspect<OutputMode>('output');
  return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
}

/** The raw `multiarch.nodes` value (machine scope: this machine's user settings only). */
export function nodesSetting(): unknown {
  return vscode.workspace.getConfiguration('multiarch').get<unknown>('nodes');
}

export const nodesSettingOrigin = 'the multiarch.nodes setting';

/** The machine-level build nodes from `multiarch.nodes`, checked by the config schema; a bad value is ignored (and logged). */
export function machineNodes(log?: Log): BuildNode[] {
  const r = machineNodesFrom(nodesSetting(), nodesSettingOrigin);
  if (r.ok) return r.nodes;
  for (const p of r.problems)
    log?.warn(
      `${nodesSettingOrigin}${p.path === '/' ? '' : ` ${p.path}`}: ${p.message}; fix it in the user settings (Preferences: Open User Settings (JSON))`,
    );
  return [];
}
