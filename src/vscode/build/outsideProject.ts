import * as vscode from 'vscode';
import type { ResolvedConfig } from '../../core/config/types';

/** Paths outside a project the user allowed in this window, per config file (asked again after a reload). */
const allowed = new Map<string, Set<string>>();

/**
 * The contexts and Dockerfiles outside the project that this build may use: none are needed (`[]`), the user
 * confirmed them in a modal dialog that names each path (the paths), or the user declined (`undefined`). A build
 * sends its context to the engine and a `COPY` can put any file from it into the image and the registry, so a
 * config (perhaps from someone else's repository) never reaches the rest of the machine silently.
 */
export async function confirmOutsideProject(config: ResolvedConfig): Promise<string[] | undefined> {
  const outside = config.outside ?? [];
  const key = config.file ?? config.root;
  const known = allowed.get(key) ?? new Set<string>();
  const paths = [...new Set(outside.map((o) => o.path))];
  if (paths.every((p) => known.has(p))) return paths;
  const named = outside.map((o) => `${o.key} ${o.path}`).join('\n');
  const choice = await vscode.window.showWarningMessage(
    `This config builds with files outside the project (${outside[0]!.project}).`,
    {
      modal: true,
      detail: `${named}\n\nA build sends these to the container engine, and the Dockerfile can copy any file from them into the image (and push it). Build with them only if you trust this config.`,
    },
    'Build With These Paths',
  );
  if (choice !== 'Build With These Paths') return undefined;
  for (const p of paths) known.add(p);
  allowed.set(key, known);
  return paths;
}

/**
 * Whether to export a CI workflow whose contexts or Dockerfiles lie outside the project: none do (true), or the
 * user confirmed in a modal dialog that names each path. A workflow runs on a checkout of the repository, where
 * those paths are not; the CLI refuses them unless --allow-outside-project. Asked every time.
 */
export async function confirmExportOutside(config: ResolvedConfig): Promise<boolean> {
  const outside = config.outside ?? [];
  if (!outside.length) return true;
  const choice = await vscode.window.showWarningMessage(
    `This config uses files outside the project (${outside[0]!.project}).`,
    {
      modal: true,
      detail: `${outside.map((o) => `${o.key} ${o.path}`).join('\n')}\n\nA CI workflow runs on a checkout of the repository, where these are not. Move them into the project, or export anyway.`,
    },
    'Export Anyway',
  );
  return choice === 'Export Anyway';
}
