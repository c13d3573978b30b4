import type { EngineKind } from '../jobs';
import { parseBuildxVersion } from './buildxOutput';
import { parseDockerInfo, parseDockerVersion } from './dockerOutput';
import { runTool } from './exec';
import { parsePodmanVersion } from './podmanOutput';
import type { EngineInfo } from './types';

// The settings and program names live in programs.ts, which loads no parser: the editor reads them at activation.
export {
  defaultPrograms,
  isEngineSetting,
  programsFromEnv,
  withProgram,
  type EnginePrograms,
  type EngineSetting,
} from './programs';
import { programsFromEnv, type EnginePrograms, type EngineSetting } from './programs';

export interface Detection {
  buildx: { available: boolean; version?: string; problem?: string };
  docker: { available: boolean; client?: string; server?: string; containerdStore?: boolean; problem?: string };
  podman: { available: boolean; version?: string; problem?: string };
}

export interface DetectOptions {
  programs?: Partial<EnginePrograms>;
  env?: NodeJS.ProcessEnv;
  /** Per command; the whole detection runs its commands in parallel, so it answers within about this. */
  timeoutMs?: number;
}

function failure(what: string, r: { spawnError?: string; timedOut: boolean; stderr: string; stdout: string }): string {
  if (r.spawnError === 'ENOENT') return `${what} is not installed (not found on PATH)`;
  if (r.spawnError) return `${what} could not start: ${r.spawnError}`;
  if (r.timedOut) return `${what} did not answer in time`;
  return (r.stderr || r.stdout).trim().split('\n')[0] ?? `${what} failed`;
}

export async function detectEngines(opts: DetectOptions = {}): Promise<Detection> {
  const p = { ...programsFromEnv(opts.env ?? process.env), ...opts.programs };
  // `docker buildx version` starts the plugin (a large binary) twice, for its metadata and for the command: on a
  // busy machine a short limit made a working buildx "not usable" (the times are in bench/README.md).
  const t = { timeoutMs: opts.timeoutMs ?? 10_000, env: opts.env };
  const [bx, dv, di, pv] = await Promise.all([
    runTool([p.docker, 'buildx', 'version'], t),
    runTool([p.docker, 'version', '--format', '{{json .}}'], t),
    runTool([p.docker, 'info', '--format', '{{json .}}'], t),
    runTool([p.podman, 'version', '--format', 'json'], t),
  ]);

  const buildxVersion = bx.ok ? parseBuildxVersion(bx.stdout) : undefined;
  const buildx: Detection['buildx'] = buildxVersion
    ? { available: true, version: buildxVersion.version }
    : {
        available: false,
        problem: bx.ok ? 'unrecognised `docker buildx version` output' : failure('docker buildx', bx),
      };

  const docker: Detection['docker'] = { available: false };
  try {
    const v = dv.stdout.trim() ? parseDockerVersion(dv.stdout.trim().split('\n')[0]!) : undefined;
    if (v) docker.client = v.client;
    if (v?.server) docker.server = v.server;
  } catch {
    // The client printed something other than JSON; the problem below says why.
  }
  if (docker.server && di.ok) {
    try {
      docker.containerdStore = parseDockerInfo(di.stdout).containerdStore;
    } catch (e) {
      docker.problem = (e as Error).message;
    }
    const major = Number(docker.client?.split('.')[0]);
    // Docker CLI 23+ hands BuildKit builds to buildx; without the plugin DOCKER_BUILDKIT=1 builds fail.
    if (!buildx.available && major >= 23) {
      docker.problem = `docker CLI ${docker.client} needs the buildx plugin for BuildKit builds; install docker-buildx, or use podman`;
    } else {
      docker.available = true;
    }
  } else if (!docker.problem) {
    docker.problem = docker.client ? `Docker daemon not reachable: ${failure('docker', dv)}` : failure('docker', dv);
  }

  let podman: Detection['podman'] = { available: false, problem: failure('podman', pv) };
  if (pv.ok) {
    try {
      podman = { available: true, version: parsePodmanVersion(pv.stdout).version };
    } catch (e) {
      podman = { available: false, problem: (e as Error).message };
    }
  }
  return { buildx, docker, podman };
}

export type Choice = { ok: true; engine: EngineInfo } | { ok: false; message: string };

/** Pure: which engine to use for a setting, and the reason shown in the log and the tree. */
export function chooseEngine(setting: EngineSetting, d: Detection): Choice {
  const info = (kind: EngineKind, reason: string): Choice => {
    const version = kind === 'buildx' ? d.buildx.version : kind === 'podman' ? d.podman.version : d.docker.server;
    const canLoadManifestList = kind === 'podman' || (kind === 'buildx' && d.docker.containerdStore === true);
    return { ok: true, engine: { kind, ...(version ? { version } : {}), reason, canLoadManifestList } };
  };
  const usable = (kind: EngineKind) =>
    kind === 'buildx'
      ? d.buildx.available && !!d.docker.server
      : kind === 'podman'
        ? d.podman.available
        : d.docker.available;
  const problem = (kind: EngineKind) =>
    kind === 'buildx'
      ? (d.buildx.problem ?? d.docker.problem)
      : kind === 'podman'
        ? d.podman.problem
        : d.docker.problem;

  if (setting !== 'auto') {
    if (usable(setting)) return info(setting, `multiarch.engine is set to "${setting}"`);
    return {
      ok: false,
      message: `multiarch.engine is "${setting}" but it is not usable: ${problem(setting)}. ${settingAdvice(setting, problem(setting))}`,
    };
  }
  if (usable('buildx')) return info('buildx', `auto: docker buildx ${d.buildx.version} found`);
  if (usable('podman')) {
    return info('podman', `auto: podman ${d.podman.version} found; buildx not available (${problem('buildx')})`);
  }
  if (usable('docker')) {
    return info(
      'docker',
      `auto: Docker ${d.docker.server} with BuildKit, one platform per build; buildx not available (${problem('buildx')}), podman not available (${problem('podman')})`,
    );
  }
  return {
    ok: false,
    message: `no container engine is usable. buildx: ${problem('buildx')}; podman: ${problem('podman')}; docker: ${problem('docker')}. ${advice}`,
  };
}

const advice = 'Install Docker with the buildx plugin, or podman, and make sure the daemon is running.';

/**
 * What to do about the engine the setting names when it is not usable: install it when it is not there; when it
 * is there and failed (podman with a storage.conf that does not exist, say), its own message says what to mend,
 * and installing an engine would not help.
 */
function settingAdvice(kind: EngineKind, problem: string | undefined): string {
  if (!problem || problem.includes('is not installed')) return advice;
  const name = kind === 'buildx' ? 'docker buildx' : kind;
  return `${name} is installed: fix what it says (its configuration, or its service or daemon), or choose "auto" or another engine (multiarch.engine; --engine in the CLI).`;
}
