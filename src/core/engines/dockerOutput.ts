import { obj, parseJsonWith, str } from './jsonSchema';

/** Parsers for `docker version --format '{{json .}}'` and `docker info --format '{{json .}}'`. */
export interface DockerVersion {
  client: string;
  server?: string;
  apiVersion?: string;
  serverArch?: string;
}

const versionSchema = obj(
  {
    Client: obj({ Version: str, ApiVersion: str }, ['Version']),
    Server: { anyOf: [{ type: 'null' }, obj({ Version: str, Arch: str, ApiVersion: str }, ['Version'])] },
  },
  ['Client'],
);

interface RawVersion {
  Client: { Version: string; ApiVersion?: string };
  Server?: { Version: string; Arch?: string; ApiVersion?: string } | null;
}

export function parseDockerVersion(text: string): DockerVersion {
  const v = parseJsonWith<RawVersion>(versionSchema, text, 'docker version');
  return {
    client: v.Client.Version,
    ...(v.Server ? { server: v.Server.Version } : {}),
    ...((v.Server?.ApiVersion ?? v.Client.ApiVersion)
      ? { apiVersion: v.Server?.ApiVersion ?? v.Client.ApiVersion }
      : {}),
    ...(v.Server?.Arch ? { serverArch: v.Server.Arch } : {}),
  };
}

export interface DockerInfo {
  serverVersion: string;
  architecture: string;
  osType: string;
  driver: string;
  /**
   * The containerd image store (`driver-type: io.containerd.snapshotter.v1` under the storage driver in
   * `docker info`) can hold manifest lists, so a multi-platform image loads under one tag.
   */
  containerdStore: boolean;
}

const infoSchema = obj(
  {
    ServerVersion: str,
    Architecture: str,
    OSType: str,
    Driver: str,
    DriverStatus: { anyOf: [{ type: 'null' }, { type: 'array', items: { type: 'array', items: str } }] },
  },
  ['ServerVersion', 'Driver'],
);

interface RawInfo {
  ServerVersion: string;
  Architecture?: string;
  OSType?: string;
  Driver: string;
  DriverStatus?: string[][] | null;
}

export function parseDockerInfo(text: string): DockerInfo {
  const i = parseJsonWith<RawInfo>(infoSchema, text, 'docker info');
  const status = i.DriverStatus ?? [];
  return {
    serverVersion: i.ServerVersion,
    architecture: i.Architecture ?? '',
    osType: i.OSType ?? '',
    driver: i.Driver,
    containerdStore: status.some(([k, v]) => k === 'driver-type' && v === 'io.containerd.snapshotter.v1'),
  };
}
