import * as vscode from 'vscode';
import { workspaceConfig } from '../../core/config/discover';
import { defaultPlatforms } from '../../core/config/resolve';
import type { ResolvedConfig } from '../../core/config/types';

export interface Project {
  folder: vscode.WorkspaceFolder;
  config: ResolvedConfig;
}

/** The buildable config of every workspace folder (multiarch.yaml, or the Dockerfile fallback). */
export async function findProjects(): Promise<Project[]> {
  const platforms = vscode.workspace.getConfiguration('multiarch').get<string[]>('defaultPlatforms') ?? defaultPlatforms;
  const found = await Promise.all(
    (vscode.workspace.workspaceFolders ?? []).map(async (folder) => ({ folder, wc: await workspaceConfig(folder.uri.fsPath, platforms) })),
  );
  return found.flatMap(({ folder, wc }) => (wc.kind !== 'none' && wc.result.ok ? [{ folder, config: wc.result.config }] : []));
}

/** The variant name a command was invoked on: a Variants tree row, a name, or nothing (palette). */
export function variantArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg !== 'object' || arg === null) return undefined;
  const v = (arg as { variant?: unknown }).variant;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string') return (v as { name: string }).name;
  return undefined;
}
