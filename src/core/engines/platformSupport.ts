import type { EngineKind } from '../jobs';
import { builderPlatformSupport, parseBuildxInspect, parseBuildxLs, type BuildxBuilder } from './buildxOutput';
import { inspectBuilderArgv, listBuildersArgv } from './buildxBuilders';
import { defaultPrograms, withProgram, type EnginePrograms } from './detect';
import { enabledQemuHandlers, hostPlatform, localAvailability, type Availability } from './emulation';
import { runTool } from './exec';

export interface SupportSnapshot {
  host: string;
  builders?: BuildxBuilder[];
  /** Why builders could not be listed (buildx missing, daemon down). */
  buildersProblem?: string;
  /** For each wanted platform: native, emulated or unavailable with the fix. */
  availability: Availability[];
}

/**
 * What the chosen engine can build here. buildx: the builders' own platform lists (a remote node can make
 * arm64 native). podman / docker: the host's platform plus registered QEMU handlers.
 */
export async function platformSupport(
  engine: EngineKind | undefined,
  wanted: string[],
  o: { programs?: EnginePrograms; env?: NodeJS.ProcessEnv } = {},
): Promise<SupportSnapshot> {
  const host = hostPlatform();
  if (engine === 'buildx') {
    const ls = await runTool(withProgram(listBuildersArgv(), o.programs ?? defaultPrograms), {
      timeoutMs: 15_000,
      env: o.env,
    });
    if (!ls.ok) {
      return {
        host,
        buildersProblem: (ls.stderr || ls.spawnError || 'docker buildx ls failed').trim(),
        availability: await local(wanted, host),
      };
    }
    const builders = parseBuildxLs(ls.stdout);
    const active = builders.find((b) => b.current) ?? builders[0];
    const support = active ? builderPlatformSupport(active) : {};
    const availability = wanted.map<Availability>((platform) => {
      const s = support[platform];
      if (s === 'native') return { platform, state: 'native' };
      if (s === 'emulated') return { platform, state: 'emulated', handler: 'builder' };
      return {
        platform,
        state: 'unavailable',
        fix: `the active builder${active ? ` "${active.name}"` : ''} cannot build ${platform}: install QEMU emulators (docker run --privileged --rm tonistiigi/binfmt --install all) or add a ${platform} node (Multi-Arch: Add Remote Node)`,
      };
    });
    return { host, builders, availability };
  }
  return { host, availability: await local(wanted, host) };
}

async function local(wanted: string[], host: string): Promise<Availability[]> {
  const handlers = await enabledQemuHandlers();
  return wanted.map((p) => localAvailability(p, host, handlers));
}

/**
 * The builder a buildx build runs on (the current one), with each node's BuildKit version. buildx before
 * 0.13 prints no BUILDKIT column in `ls`, so then `buildx inspect` (no bootstrap) is asked for it.
 */
export async function activeBuilder(
  snapshot: SupportSnapshot,
  o: { programs?: EnginePrograms; env?: NodeJS.ProcessEnv } = {},
): Promise<BuildxBuilder | undefined> {
  const active = snapshot.builders?.find((b) => b.current) ?? snapshot.builders?.[0];
  if (!active || active.nodes.every((n) => n.buildkit)) return active;
  const r = await runTool(withProgram(inspectBuilderArgv(active.name, false), o.programs ?? defaultPrograms), {
    timeoutMs: 15_000,
    env: o.env,
  });
  if (!r.ok) return active;
  const inspected = parseBuildxInspect(r.stdout);
  return {
    ...active,
    nodes: active.nodes.map((n) => {
      const buildkit = inspected.nodes.find((m) => m.name === n.name)?.buildkit;
      return n.buildkit || !buildkit ? n : { ...n, buildkit };
    }),
  };
}
