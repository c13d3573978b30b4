/** Engine programs to run; $MULTIARCH_DOCKER / $MULTIARCH_PODMAN override them (e.g. /usr/bin/docker when another CLI shadows it). */
export interface Programs {
  docker: string;
  podman: string;
}

export function programsFromEnv(env: Record<string, string | undefined> = process.env): Programs {
  return { docker: env.MULTIARCH_DOCKER || 'docker', podman: env.MULTIARCH_PODMAN || 'podman' };
}
