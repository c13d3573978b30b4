import * as vscode from 'vscode';
import type { OutputMode } from '../core/config/types';

/** `multiarch.output` only when the user set it; otherwise the config file's `output:` decides. */
export function explicitOutput(scope?: vscode.ConfigurationScope): OutputMode | undefined {
  const i = vscode.workspace.getConfiguration('multiarch', scope).inspect<OutputMode>('output');
  return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
}
