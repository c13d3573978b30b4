import { formatReference, nameOf, parseReference, withDigest, withTag, type ImageReference } from '../reference';
import { formatPlatform, RegistryError, samePlatform, type RegistryClient } from './client';

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const LIST_TYPES = new Set([OCI_INDEX, 'application/vnd.docker.distribution.manifest.list.v2+json']);
const IMAGE_TYPES = new Set([
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
]);

/** One platform's image, already pushed by digest to the target's repository. */
export interface IndexPart {
  platform: string;
  digest: string;
}

export interface IndexPlatform {
  architecture: string;
  os: string;
  'os.version'?: string;
  variant?: string;
}

export interface IndexEntry {
  mediaType: string;
  digest: string;
  size: number;
  platform: IndexPlatform;
  annotations?: Record<string, string>;
}

/**
 * Puts one OCI image index under `target`'s tag (`latest` if it has none) listing each part, and returns
 * its digest: what `docker manifest create` + `push` or `podman manifest push` would do, through the
 * distribution API alone. Each part's manifest is read from the target's repository (an index entry must
 * name a manifest the repository holds) and its platform checked against its config; a part that is itself
 * a list (an engine may push a one-entry list) contributes its entry for the part's platform.
 */
export async function assembleIndex(
  client: RegistryClient,
  target: string,
  parts: IndexPart[],
): Promise<{ digest: string }> {
  const ref = parseReference(target);
  if (ref.digest)
    throw new RegistryError(`${target}: an index is put under a tag, not a digest; give the target as name:tag`);
  if (parts.length === 0) throw new RegistryError(`${target}: no platform images to put in the index`);
  const seen = new Set<string>();
  for (const p of parts) {
    if (seen.has(p.platform))
      throw new RegistryError(`${target}: two images for ${p.platform}; an index lists one per platform`);
    seen.add(p.platform);
  }
  const manifests = (await Promise.all(parts.map((p) => entryFor({ client, ref }, p)))).flat();
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));
  return { digest: await client.putManifest(withTag(ref, ref.tag ?? 'latest'), bytes, OCI_INDEX) };
}

/**
 * The index entries for `part` in `ref`'s repository: its image's, and when `part` is a list, the attestations
 * it lists for that image (buildx pushes a provenance attestation beside each image by default); `depth` 1 is
 * inside a list `part` named.
 */
async function entryFor(
  { client, ref }: { client: RegistryClient; ref: ImageReference },
  part: IndexPart,
  depth = 0,
): Promise<IndexEntry[]> {
  const at = formatReference(withDigest(ref, part.digest));
  const manifest = await client.getManifest(withDigest(ref, part.digest));
  const doc = JSON.parse(manifest.bytes.toString('utf8')) as {
    manifests?: Array<{
      digest?: string;
      mediaType?: string;
      size?: number;
      platform?: Partial<IndexPlatform>;
      annotations?: Record<string, string>;
    }>;
    config?: { digest?: string };
  };
  if (LIST_TYPES.has(manifest.mediaType)) {
    const matches = (doc.manifests ?? []).filter(
      (m) => m.digest && m.platform && platformMatches(formatPlatform(m.platform), part.platform),
    );
    if (depth > 0 || matches.length !== 1) {
      const has =
        (doc.manifests ?? []).map((m) => (m.platform ? formatPlatform(m.platform) : '?')).join(', ') || 'nothing';
      throw new RegistryError(
        `${at} is a list (${has}) without exactly one ${part.platform} image: push that platform's image by digest`,
      );
    }
    const image = matches[0]!.digest!;
    const attestations = (doc.manifests ?? []).filter(
      (m): m is IndexEntry =>
        m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' &&
        m.annotations['vnd.docker.reference.digest'] === image &&
        typeof m.mediaType === 'string' &&
        typeof m.size === 'number',
    );
    return [
      ...(await entryFor({ client, ref }, { platform: part.platform, digest: image }, depth + 1)),
      ...attestations.map(({ mediaType, digest, size, platform, annotations }) => ({
        mediaType,
        digest,
        size,
        platform,
        ...(annotations ? { annotations } : {}),
      })),
    ];
  }
  if (!IMAGE_TYPES.has(manifest.mediaType))
    throw new RegistryError(`${at} is a ${manifest.mediaType}, not an image manifest`);
  if (!doc.config?.digest) throw new RegistryError(`${at}: the manifest names no config`);
  const config = await client.blobJson(ref, doc.config.digest);
  const platform = configPlatform(config, part.platform);
  if (!platform) {
    throw new RegistryError(
      `${at} is built for ${formatPlatform(config as Partial<IndexPlatform>) || 'no platform'}, not ${part.platform}: check which node built ${nameOf(ref)} for ${part.platform}`,
    );
  }
  return [{ mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.bytes.length, platform }];
}

/**
 * The `platform` of an index entry for an image whose config is `config`, when that config is built for
 * `wanted` (else undefined): OS, architecture and OS version from the config, the variant from the config
 * or else from `wanted` (engines leave it out of arm64 configs).
 */
export function configPlatform(config: unknown, wanted: string): IndexPlatform | undefined {
  const c = (config ?? {}) as Partial<IndexPlatform>;
  if (typeof c.os !== 'string' || typeof c.architecture !== 'string' || !platformMatches(formatPlatform(c), wanted))
    return undefined;
  const variant = c.variant ?? wanted.split('/')[2];
  return {
    architecture: c.architecture,
    os: c.os,
    ...(c['os.version'] ? { 'os.version': c['os.version'] } : {}),
    ...(variant ? { variant } : {}),
  };
}

/** Same OS and architecture, and the same variant where both name one (`linux/arm64` is `linux/arm64/v8`). */
function platformMatches(actual: string, wanted: string): boolean {
  const va = actual.split('/')[2];
  const vw = wanted.split('/')[2];
  return samePlatform(actual, wanted) && (!va || !vw || va === vw);
}
