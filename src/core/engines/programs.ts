// Which engine the user asked for and which programs run it: read at start-up by the editor, so this module
// imports nothing that parses engine output (detect.ts does, and re-exports these).
import type { EngineKind } from '../jobs';

export type EngineSetting = 'auto' | EngineKind;

export function isEngineSetting(v: string | undefined): v is EngineSetting {
  return v === 'auto' || v === 'buildx' || v === 'podman' || v === 'docker';
}

/** Program paths; Debian's docker.io lives in /usr/bin while another `docker` may shadow it on PATH. */
export interface EnginePrograms {
  docker: string;
  podman: string;
}

export const defaultPrograms: EnginePrograms = { docker: 'docker', podman: 'podman' };

/** $MULTIARCH_DOCKER / $MULTIARCH_PODMAN override the programs (e.g. /usr/bin/docker when another CLI shadows it). */
export function programsFromEnv(env: NodeJS.ProcessEnv = process.env): EnginePrograms {
  return {
    docker: env.MULTIARCH_DOCKER || defaultPrograms.docker,
    podman: env.MULTIARCH_PODMAN || defaultPrograms.podman,
  };
}

/** An argv with `docker` / `podman` in first place replaced by the configured program. */
export function withProgram(argv: string[], programs: EnginePrograms): string[] {
  const [first, ...rest] = argv;
  return first === 'docker' || first === 'podman' ? [programs[first], ...rest] : argv;
}
