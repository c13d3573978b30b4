/** Media types of indexes, manifests and layers in the OCI image spec and Docker's distribution spec. */
export const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

export const MANIFEST_TYPES = new Set([
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
]);

export type LayerCompression = 'gzip' | 'zstd' | 'none' | 'unknown';

/** How a layer blob is compressed, from its media type (OCI, OCI non-distributable, Docker v2). */
export function layerCompression(mediaType: string): LayerCompression {
  if (mediaType.endsWith('+gzip') || mediaType.endsWith('.tar.gzip')) return 'gzip';
  if (mediaType.endsWith('+zstd')) return 'zstd';
  if (mediaType.endsWith('.tar') || mediaType.endsWith('.rootfs.diff.tar')) return 'none';
  return 'unknown';
}

/** BuildKit stores provenance/SBOM attestations as manifests with platform unknown/unknown. */
export function isAttestation(d: {
  platform?: { os: string; architecture: string };
  annotations?: Record<string, string>;
}): boolean {
  if (d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') return true;
  return d.platform?.os === 'unknown' && d.platform.architecture === 'unknown';
}

export function platformString(p: { os?: string; architecture?: string; variant?: string }): string {
  const base = `${p.os ?? 'unknown'}/${p.architecture ?? 'unknown'}`;
  return p.variant ? `${base}/${p.variant}` : base;
}
