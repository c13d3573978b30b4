import { access } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { configFileNames, dockerfileNames } from './fileNames';
import { loadConfig } from './loadConfig';
import { resolveConfig } from './resolve';
import type { ConfigOptions, ConfigResult } from './types';

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

async function firstExisting(root: string, names: string[]): Promise<string | undefined> {
  for (const n of names) {
    const p = join(root, n);
    if (await exists(p)) return p;
  }
  return undefined;
}

export const findConfigFile = (root: string) => firstExisting(root, configFileNames);
export const findDockerfile = (root: string) => firstExisting(root, dockerfileNames);

/** A repository name derived from a folder name: lowercase, only characters a reference allows. */
export function imageNameFor(folder: string): string {
  const name = basename(folder)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|[._-]+$/g, '');
  return name || 'app';
}

export type WorkspaceConfig =
  | { kind: 'file'; file: string; result: ConfigResult }
  | { kind: 'fallback'; dockerfile: string; result: ConfigResult }
  | { kind: 'none' };

/**
 * The config a folder builds with: its multiarch.yaml when there is one; otherwise one `default` variant of the
 * folder's Dockerfile for the given platforms; otherwise nothing to build.
 */
export async function workspaceConfig(
  root: string,
  defaultPlatforms: string[],
  opts: ConfigOptions = {},
): Promise<WorkspaceConfig> {
  const file = await findConfigFile(root);
  if (file) return { kind: 'file', file, result: await loadConfig(file, opts) };
  const dockerfile = await findDockerfile(root);
  if (!dockerfile) return { kind: 'none' };
  const config = resolveConfig(
    {
      image: imageNameFor(root),
      dockerfile: basename(dockerfile),
      platforms: defaultPlatforms,
      variants: { default: {} },
    },
    { root, ...opts },
  );
  return { kind: 'fallback', dockerfile, result: { ok: true, config } };
}
