// Per-platform sizes from an OCI image layout (directory) or an OCI archive (tar of that directory).
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TarFile } from './tarIndex';
import type { PlatformImage, SizeSource } from './types';
import { walkIndexText, type BlobReader, type WalkOptions } from './walkIndex';

export interface OciSizes {
  source: Extract<SizeSource, 'oci-layout' | 'oci-archive'>;
  images: PlatformImage[];
}

/** `sha256:abc…` → `blobs/sha256/abc…`, refusing anything that could escape the layout. */
export function blobPath(digest: string): string {
  const m = /^([a-z0-9]+(?:[.+_-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/.exec(digest);
  if (!m) throw new Error(`invalid digest "${digest}"`);
  return `blobs/${m[1]}/${m[2]}`;
}

function missing(digest: string, where: string): Error {
  return new Error(
    `blob ${digest} is missing from ${where}: the OCI export is incomplete; rebuild or re-export the image`,
  );
}

export async function readOciSizes(path: string, opts: WalkOptions = {}): Promise<OciSizes> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new Error(`${path} does not exist: build with output "oci" first`);
  return info.isDirectory() ? readLayout(path, opts) : readArchive(path, opts);
}

async function readLayout(dir: string, opts: WalkOptions): Promise<OciSizes> {
  const indexText = await readFile(join(dir, 'index.json'), 'utf8').catch(() => {
    throw new Error(`${dir} is not an OCI image layout (no index.json)`);
  });
  const read: BlobReader = async (digest) => {
    try {
      return await readFile(join(dir, blobPath(digest)), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw missing(digest, dir);
      throw err;
    }
  };
  return { source: 'oci-layout', images: await walkIndexText(indexText, read, opts) };
}

async function readArchive(file: string, opts: WalkOptions): Promise<OciSizes> {
  const tar = await TarFile.open(file);
  try {
    const index = await tar.read('index.json');
    if (!index) throw new Error(`${file} is not an OCI archive (no index.json inside)`);
    const read: BlobReader = async (digest) => {
      const blob = await tar.read(blobPath(digest));
      if (!blob) throw missing(digest, file);
      return blob.toString('utf8');
    };
    return { source: 'oci-archive', images: await walkIndexText(index.toString('utf8'), read, opts) };
  } finally {
    await tar.close();
  }
}
