import { obj, parseJsonWith, str } from './jsonSchema';
import { formatReference, parseReference, withDigest } from '../reference';

/**
 * Parsers for `podman version --format json`, `podman info --format json`, `podman manifest inspect`, and the
 * store check of a local list's instances.
 */
export interface PodmanVersion {
  version: string;
  osArch: string;
}

const versionSchema = obj({ Client: obj({ Version: str, OsArch: str }, ['Version']) }, ['Client']);

export function parsePodmanVersion(text: string): PodmanVersion {
  const v = parseJsonWith<{ Client: { Version: string; OsArch?: string } }>(versionSchema, text, 'podman version');
  return { version: v.Client.Version, osArch: v.Client.OsArch ?? '' };
}

export interface PodmanInfo {
  arch: string;
  os: string;
  buildahVersion?: string;
  ociRuntime?: string;
  cgroupVersion?: string;
  rootless: boolean;
  graphDriver: string;
  graphRoot: string;
  /** Registries configured with `insecure = true` in registries.conf. */
  insecureRegistries: string[];
}

const infoSchema = obj(
  {
    host: obj(
      {
        arch: str,
        os: str,
        buildahVersion: str,
        cgroupVersion: str,
        ociRuntime: obj({ name: str }),
        security: obj({ rootless: { type: 'boolean' } }),
      },
      ['arch', 'os'],
    ),
    store: obj({ graphDriverName: str, graphRoot: str }, ['graphDriverName', 'graphRoot']),
    registries: { type: 'object' },
  },
  ['host', 'store'],
);

interface RawInfo {
  host: {
    arch: string;
    os: string;
    buildahVersion?: string;
    cgroupVersion?: string;
    ociRuntime?: { name?: string };
    security?: { rootless?: boolean };
  };
  store: { graphDriverName: string; graphRoot: string };
  registries?: Record<string, unknown>;
}

export function parsePodmanInfo(text: string): PodmanInfo {
  const i = parseJsonWith<RawInfo>(infoSchema, text, 'podman info');
  const insecure = Object.entries(i.registries ?? {})
    .filter(([, r]) => typeof r === 'object' && r !== null && (r as { Insecure?: unknown }).Insecure === true)
    .map(([name]) => name);
  return {
    arch: i.host.arch,
    os: i.host.os,
    ...(i.host.buildahVersion ? { buildahVersion: i.host.buildahVersion } : {}),
    ...(i.host.ociRuntime?.name ? { ociRuntime: i.host.ociRuntime.name } : {}),
    ...(i.host.cgroupVersion ? { cgroupVersion: i.host.cgroupVersion } : {}),
    rootless: i.host.security?.rootless ?? false,
    graphDriver: i.store.graphDriverName,
    graphRoot: i.store.graphRoot,
    insecureRegistries: insecure,
  };
}

export interface ManifestEntry {
  digest: string;
  platform: string;
}

const manifestSchema = obj(
  {
    // podman prints `null` for a list with no entries yet (`podman manifest create NAME`).
    manifests: {
      type: ['array', 'null'],
      items: obj({ digest: str, platform: obj({ os: str, architecture: str, variant: str }, ['os', 'architecture']) }, [
        'digest',
      ]),
    },
  },
  ['manifests'],
);

interface RawList {
  manifests: { digest: string; platform?: { os: string; architecture: string; variant?: string } }[] | null;
}

/** Entries of a manifest list (`podman manifest inspect NAME`, `skopeo inspect --raw`, an OCI index). */
export function parseManifestList(text: string): ManifestEntry[] {
  const l = parseJsonWith<RawList>(manifestSchema, text, 'manifest list');
  return (l.manifests ?? [])
    .filter((m) => m.platform)
    .map((m) => ({
      digest: m.digest,
      platform: [m.platform!.os, m.platform!.architecture, m.platform!.variant].filter(Boolean).join('/'),
    }));
}

/** `name@digest` per platform: how one architecture of a local podman manifest is run or inspected. */
export function platformRefs(name: string, entries: ManifestEntry[]): Record<string, string> {
  const ref = parseReference(name);
  return Object.fromEntries(entries.map((e) => [e.platform, formatReference(withDigest(ref, e.digest))]));
}

/**
 * Whether the store holds each of a local list's `entries` (`podman image exists NAME@DIGEST`, side by side): a
 * list can name an instance that is not there, one another run is still pulling into a list made from the
 * registry's index, or one removed since (`podman rmi`, `image prune`, a run killed at the wrong moment).
 */
export async function instancesInStore(
  name: string,
  entries: ManifestEntry[],
  { program, exists }: { program: string; exists: (argv: string[]) => Promise<boolean> },
): Promise<boolean[]> {
  const ref = parseReference(name);
  return Promise.all(
    entries.map((e) => exists([program, 'image', 'exists', formatReference(withDigest(ref, e.digest))])),
  );
}
