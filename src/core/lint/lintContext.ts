import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parse } from 'yaml';
import { configFileNames } from '../config/fileNames';
import { loadConfig } from '../config/loadConfig';
import type { ConfigResult } from '../config/types';
import { hostPlatform } from '../engines/emulation';
import type { LintCell, LintContext } from './types';

/**
 * What the linter needs from around a Dockerfile on disk: the .dockerignore BuildKit would use
 * (`<Dockerfile>.dockerignore` first, then the context's `.dockerignore`), how many platforms the
 * project's multiarch.yaml builds and its variants (the matrix cells), and this machine's platform. The context folder is assumed to be the Dockerfile's folder.
 */
export async function loadLintContext(
  dockerfilePath: string,
  /** The cells `lintCellsNear` found, when the caller has them already (the config is loaded once). */
  cells?: { near: Awaited<ReturnType<typeof lintCellsNear>> },
): Promise<LintContext> {
  const dir = dirname(dockerfilePath);
  const dockerignore =
    (await readText(`${dockerfilePath}.dockerignore`)) ?? (await readText(join(dir, '.dockerignore')));
  const platformCount = await platformCountNear(dir, basename(dockerfilePath));
  const near = cells ? cells.near : await lintCellsNear(dockerfilePath);
  return {
    ...(dockerignore !== undefined ? { dockerignore } : {}),
    ...(platformCount !== undefined ? { platformCount } : {}),
    ...(near ? { matrix: near.cells } : {}),
    buildPlatform: hostPlatform(),
  };
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function platformCountNear(dir: string, dockerfileName: string): Promise<number | undefined> {
  for (const name of configFileNames) {
    const text = await readText(join(dir, name));
    if (text === undefined) continue;
    try {
      return countPlatforms(parse(text), dockerfileName);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The largest platform list any variant of this Dockerfile is built for. */
export function countPlatforms(config: unknown, dockerfileName = 'Dockerfile'): number | undefined {
  if (!config || typeof config !== 'object') return undefined;
  const c = config as { platforms?: unknown; dockerfile?: unknown; variants?: Record<string, unknown> };
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x) => typeof x === 'string').length : undefined);
  const top = list(c.platforms);
  const topFile = typeof c.dockerfile === 'string' ? basename(c.dockerfile) : 'Dockerfile';
  let best = topFile === dockerfileName ? top : undefined;
  for (const v of Object.values(c.variants ?? {})) {
    if (!v || typeof v !== 'object') continue;
    const variant = v as { platforms?: unknown; dockerfile?: unknown };
    const file = typeof variant.dockerfile === 'string' ? basename(variant.dockerfile) : topFile;
    if (file !== dockerfileName) continue;
    const n = list(variant.platforms) ?? top;
    if (n !== undefined) best = Math.max(best ?? 0, n);
  }
  return best;
}

/** The multiarch.yaml next to a Dockerfile, loaded (its problems located when it is not valid); undefined: none. */
export async function configNear(dockerfilePath: string): Promise<ConfigResult | undefined> {
  const dir = dirname(dockerfilePath);
  for (const name of configFileNames) {
    const file = join(dir, name);
    if ((await readText(file)) === undefined) continue;
    return loadConfig(file);
  }
  return undefined;
}

/** The variants of a loaded config that build this Dockerfile: their args and platforms. */
export function lintCells(
  result: ConfigResult | undefined,
  dockerfilePath: string,
): { root: string; cells: LintCell[] } | undefined {
  if (!result?.ok) return undefined;
  const cells = result.config.variants
    .filter((v) => v.dockerfile === dockerfilePath)
    .map((v) => ({
      variant: v.name,
      args: v.args,
      platforms: v.platforms,
      ...(v.target ? { target: v.target } : {}),
    }));
  return cells.length ? { root: result.config.root, cells } : undefined;
}

/** The variants of the multiarch.yaml next to a Dockerfile that build it (none when it is not valid). */
export async function lintCellsNear(dockerfilePath: string): Promise<{ root: string; cells: LintCell[] } | undefined> {
  return lintCells(await configNear(dockerfilePath), dockerfilePath);
}
