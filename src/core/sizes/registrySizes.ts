// Per-platform sizes of a pushed image from the engine's own raw-manifest inspection
// (skopeo inspect --raw, docker buildx imagetools inspect --raw). Not `podman manifest inspect`:
// podman 4.3 prints an index but refuses a single image's manifest ("Treating single images as
// manifest lists is not implemented"), so it cannot give per-platform layer sizes; podman users get skopeo.
import { createHash } from 'node:crypto';
import { formatReference, parseReference, withDigest as pinDigest } from '../reference';
import type { PlatformImage } from './types';
import { parseJson } from './ociSchemas';
import { walkDocument } from './walkIndex';

export type RegistryTool = 'skopeo' | 'buildx';

/** Returns the raw manifest (index or image manifest) JSON for a reference (`repo:tag` or `repo@digest`). */
export type ManifestFetcher = (ref: string) => Promise<string>;

export interface RegistryOptions {
  /** Config of the image a manifest reference names, for a single-platform tag's platform and `created`. */
  fetchConfig?: ManifestFetcher;
}

/** `host:5000/repo:tag` or `host/repo@sha256:…` → `host:5000/repo@digest`: one image of the same repository. */
export function withDigest(ref: string, digest: string): string {
  return formatReference(pinDigest(parseReference(ref), digest));
}

/** argv printing the raw manifest of `ref`. `insecure` skips TLS (a local registry on 127.0.0.1). */
export function rawManifestArgv(
  tool: RegistryTool,
  ref: string,
  { insecure = false, program }: { insecure?: boolean; program?: string | undefined } = {},
): string[] {
  switch (tool) {
    case 'skopeo':
      return [program ?? 'skopeo', 'inspect', '--raw', ...(insecure ? ['--tls-verify=false'] : []), `docker://${ref}`];
    case 'buildx':
      return [program ?? 'docker', 'buildx', 'imagetools', 'inspect', '--raw', ref];
  }
}

/** argv printing the config blob of the image a manifest reference names (skopeo only). */
export function rawConfigArgv(ref: string, insecure = false): string[] {
  return ['skopeo', 'inspect', '--config', '--raw', ...(insecure ? ['--tls-verify=false'] : []), `docker://${ref}`];
}

export async function readRegistrySizes(
  ref: string,
  fetch: ManifestFetcher,
  opts: RegistryOptions = {},
): Promise<PlatformImage[]> {
  const rootText = await fetch(ref);
  // A tag's manifest digest is the sha256 of the exact bytes the registry served.
  const digestOf = parseReference(ref).digest ?? `sha256:${createHash('sha256').update(rootText).digest('hex')}`;
  const fetchConfig = opts.fetchConfig;
  // Configs are fetched only for a manifest whose platform the index does not give (a single-platform tag).
  return walkDocument(
    { doc: parseJson(rootText, `manifest of ${ref}`), digest: digestOf },
    (digest) => fetch(withDigest(ref, digest)),
    {
      readConfig: false,
      configReader: fetchConfig
        ? (_c: string, manifest: string) => fetchConfig(withDigest(ref, manifest))
        : async () => '{}',
    },
  );
}
