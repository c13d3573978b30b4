import { obj, parseJsonWith, str } from '../engines/jsonSchema';

/**
 * What a node's engine says about itself: `podman --url X version/info --format json` and
 * `docker --host X version/info --format '{{json .}}'` (shapes recorded from podman 4.3.1 and dockerd 20.10.24).
 */
export interface ServerVersion {
  version: string;
  /** os/arch of the server, when the version answer carries it. */
  platform?: string;
}

const podmanVersionSchema = obj({ Server: obj({ Version: str, OsArch: str }, ['Version']) }, ['Server']);

/** A podman client talking to a service prints `Server`; without it the client never reached the node. */
export function parsePodmanServerVersion(text: string): ServerVersion {
  const v = parseJsonWith<{ Server: { Version: string; OsArch?: string } }>(
    podmanVersionSchema,
    text,
    'podman version',
  );
  return { version: v.Server.Version, ...(v.Server.OsArch ? { platform: v.Server.OsArch } : {}) };
}

const dockerVersionSchema = obj({ Server: obj({ Version: str, Os: str, Arch: str }, ['Version']) }, ['Server']);

export function parseDockerServerVersion(text: string): ServerVersion {
  const v = parseJsonWith<{ Server: { Version: string; Os?: string; Arch?: string } }>(
    dockerVersionSchema,
    text,
    'docker version',
  );
  const platform = v.Server.Os && v.Server.Arch ? `${v.Server.Os}/${v.Server.Arch}` : undefined;
  return { version: v.Server.Version, ...(platform ? { platform } : {}) };
}

export interface NodePlatforms {
  native: string[];
  /** Only when the engine says (podman ≥ 4.7 lists its registered emulators); undefined = not told. */
  emulated?: string[];
}

const podmanInfoSchema = obj(
  {
    host: obj({ os: str, arch: str, variant: str, emulatedArchitectures: { type: 'array', items: str } }, [
      'os',
      'arch',
    ]),
  },
  ['host'],
);

export function parsePodmanPlatforms(text: string): NodePlatforms {
  const i = parseJsonWith<{ host: { os: string; arch: string; variant?: string; emulatedArchitectures?: string[] } }>(
    podmanInfoSchema,
    text,
    'podman info',
  );
  const native = [i.host.os, i.host.arch, i.host.variant].filter(Boolean).join('/');
  return {
    native: [native],
    ...(i.host.emulatedArchitectures ? { emulated: i.host.emulatedArchitectures.filter((p) => p !== native) } : {}),
  };
}

const dockerInfoSchema = obj({ OSType: str, Architecture: str }, ['OSType', 'Architecture']);

/** `docker info` names the kernel's machine (x86_64, aarch64, armv7l); platforms use OCI names. */
const machineToOci: Record<string, string> = {
  x86_64: 'amd64',
  amd64: 'amd64',
  aarch64: 'arm64',
  arm64: 'arm64',
  armv7l: 'arm/v7',
  armv6l: 'arm/v6',
  i386: '386',
  i686: '386',
  ppc64le: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

export function parseDockerPlatforms(text: string): NodePlatforms {
  const i = parseJsonWith<{ OSType: string; Architecture: string }>(dockerInfoSchema, text, 'docker info');
  return { native: [`${i.OSType}/${machineToOci[i.Architecture] ?? i.Architecture}`] };
}
