// Builds OCI image layouts on disk for the tests: real sha256 digests, nested indexes,
// attestation manifests and the layer media types engines write.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';
export const TAR = 'application/vnd.oci.image.layer.v1.tar';
export const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const INDEX = 'application/vnd.oci.image.index.v1+json';
export const CONFIG = 'application/vnd.oci.image.config.v1+json';

export interface Desc {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
}

export class LayoutBuilder {
  readonly dir: string;
  constructor(dir?: string) {
    this.dir = dir ?? mkdtempSync(join(tmpdir(), 'oci-layout-'));
    mkdirSync(join(this.dir, 'blobs', 'sha256'), { recursive: true });
    writeFileSync(join(this.dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  }

  blob(content: string | Buffer, mediaType: string, write = true): Desc {
    const buf = typeof content === 'string' ? Buffer.from(content) : content;
    const hex = createHash('sha256').update(buf).digest('hex');
    if (write) writeFileSync(join(this.dir, 'blobs', 'sha256', hex), buf);
    return { mediaType, digest: `sha256:${hex}`, size: buf.length };
  }

  json(doc: unknown, mediaType: string, write = true): Desc {
    return this.blob(JSON.stringify(doc), mediaType, write);
  }

  /** A manifest with layers of the given byte lengths and media types; layer blobs are not needed to size it. */
  image(
    arch: string,
    layers: Array<[number, string]>,
    opts: { variant?: string; writeConfig?: boolean } = {},
  ): Desc & { expected: number } {
    const config = this.json(
      {
        architecture: arch,
        os: 'linux',
        ...(opts.variant ? { variant: opts.variant } : {}),
        created: '2026-11-27T05:00:00Z',
        rootfs: { type: 'layers', diff_ids: [] },
      },
      CONFIG,
      opts.writeConfig ?? true,
    );
    const layerDescs = layers.map(([size, mt], i) => this.blob(Buffer.alloc(size, i + arch.length), mt, false));
    const m = this.json({ schemaVersion: 2, mediaType: MANIFEST, config, layers: layerDescs }, MANIFEST);
    const expected = config.size + layerDescs.reduce((s, l) => s + l.size, 0);
    return {
      ...m,
      platform: { os: 'linux', architecture: arch, ...(opts.variant ? { variant: opts.variant } : {}) },
      expected,
    };
  }

  index(manifests: Desc[]): Desc {
    return this.json({ schemaVersion: 2, mediaType: INDEX, manifests: manifests.map(strip) }, INDEX);
  }

  writeTop(manifests: Desc[]): void {
    writeFileSync(
      join(this.dir, 'index.json'),
      JSON.stringify({ schemaVersion: 2, mediaType: INDEX, manifests: manifests.map(strip) }),
    );
  }

  /** The layout as an OCI archive (GNU tar, members named ./index.json …, as `tar -C dir .` writes them). */
  archive(format: 'gnu' | 'pax' = 'gnu'): string {
    const file = `${this.dir}.tar`;
    execFileSync('tar', [`--format=${format}`, '-cf', file, '-C', this.dir, '.']);
    return file;
  }
}

function strip(d: Desc): Desc {
  const { mediaType, digest, size, platform, annotations } = d;
  return { mediaType, digest, size, ...(platform ? { platform } : {}), ...(annotations ? { annotations } : {}) };
}

/** BuildKit's provenance attestation entry: platform unknown/unknown plus reference annotations. */
export function attestation(b: LayoutBuilder, subject: Desc): Desc {
  const m = b.json({ schemaVersion: 2, mediaType: MANIFEST, config: b.json({}, CONFIG), layers: [] }, MANIFEST);
  return {
    ...m,
    platform: { os: 'unknown', architecture: 'unknown' },
    annotations: { 'vnd.docker.reference.digest': subject.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
  };
}
