import * as vscode from 'vscode';
import type { ResolvedConfig } from '../../core/config/types';
import type { ConfigModel } from './configModel';

export interface Project {
  folder: vscode.WorkspaceFolder;
  config: ResolvedConfig;
}

/** The buildable config of every workspace folder (multiarch.yaml, or the Dockerfile fallback), fresh from disk. */
export async function findProjects(model: ConfigModel): Promise<Project[]> {
  await model.reload();
  return model.configs;
}

/** The variant name a command was invoked on: a Variants tree row, a name, or nothing (palette). */
export function variantArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg !== 'object' || arg === null) return undefined;
  const v = (arg as { variant?: unknown }).variant;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string')
    return (v as { name: string }).name;
  return undefined;
}
