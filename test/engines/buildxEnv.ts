// Where the buildx suites find a real docker buildx and BuildKit builder, and why they skip without one.
//
// The suites run when `$MULTIARCH_BUILDX_CONFIG` names a Docker config folder whose
// `cli-plugins/docker-buildx` answers `docker buildx version` and whose current builder lists linux/arm64
// (README.md, "Testing against a real docker buildx"). No package this project's CI machine reaches carries buildx, so CI skips them
// and prints this reason.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseBuildxInspect, parseBuildxVersion, type BuildxBuilder } from '../../src/core/engines/buildxOutput';
import { runTool } from '../../src/core/engines/exec';
import type { ResolvedConfig } from '../../src/core/config/types';
import { baseImage, docker, env, projectWorkspace, registry, repoRoot } from './helpers';

export interface Buildx {
  /** The engines' environment with DOCKER_CONFIG pointing at the folder holding the plugin. */
  env: NodeJS.ProcessEnv;
  version: string;
  /** The current builder, as `docker buildx inspect` printed it. */
  builder: BuildxBuilder;
}

let found: Promise<Buildx | { skip: string }> | undefined;

/** The buildx to test against, or why there is none; asked once per process. */
export function findBuildx(): Promise<Buildx | { skip: string }> {
  found ??= probe();
  return found;
}

async function probe(): Promise<Buildx | { skip: string }> {
  const config = process.env.MULTIARCH_BUILDX_CONFIG;
  if (!config)
    return {
      skip: 'no buildx: MULTIARCH_BUILDX_CONFIG is not set (a Docker config folder with cli-plugins/docker-buildx and a current builder listing linux/arm64; see "Testing against a real docker buildx" in README.md)',
    };
  const bxEnv = { ...env, DOCKER_CONFIG: config };
  const version = await runTool([docker, 'buildx', 'version'], { env: bxEnv, timeoutMs: 10_000 });
  const parsed = version.ok ? parseBuildxVersion(version.stdout) : undefined;
  if (!parsed)
    return {
      skip: `no buildx: "${docker} buildx version" with DOCKER_CONFIG=${config} did not answer (${(version.stderr || version.spawnError || version.stdout).trim().split('\n')[0]}); is ${join(config, 'cli-plugins', 'docker-buildx')} there?`,
    };
  const inspect = await runTool([docker, 'buildx', 'inspect'], { env: bxEnv, timeoutMs: 20_000 });
  if (!inspect.ok)
    return { skip: `buildx ${parsed.version} has no usable current builder: ${inspect.stderr.trim().split('\n')[0]}` };
  const builder = parseBuildxInspect(inspect.stdout);
  const platforms = builder.nodes.flatMap((n) => n.platforms.map((p) => p.platform));
  if (!platforms.includes('linux/arm64'))
    return {
      skip: `buildx ${parsed.version}'s current builder "${builder.name}" does not list linux/arm64 (it lists ${platforms.join(', ') || 'nothing'})`,
    };
  return { env: bxEnv, version: parsed.version, builder };
}

/** Skips the calling suite (all its tests show as pending) and says why, when no buildx is present. */
export async function requireBuildx(ctx: Mocha.Context): Promise<Buildx> {
  const b = await findBuildx();
  if ('skip' in b) {
    console.log(`      skipped: ${b.skip}`);
    ctx.skip();
  }
  return b as Buildx;
}

/** `multiarch <args>` as a user runs it, from the workspace folder, with buildx's environment (sources through tsx). */
export async function multiarch(cwd: string, args: string[], bxEnv: NodeJS.ProcessEnv, timeout = 600_000) {
  const { execa } = await import('execa'); // ESM-only package, loaded from CommonJS
  const tsx = pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  return execa(process.execPath, ['--import', tsx, join(repoRoot, 'src', 'cli', 'main.ts'), ...args], {
    cwd,
    env: { ...bxEnv, NODE_OPTIONS: '' },
    reject: false,
    timeout,
  });
}

/** The queue-service project as `image`, pushing to the local registry (as buildx Build All does there). */
export function queueServicePushing(image: string): Promise<ResolvedConfig> {
  return projectWorkspace(
    'queue-service',
    baseImage,
    (y) => `${y.replace(/^image: .*$/m, `image: ${image}`)}registry: ${registry}\n`,
  );
}
