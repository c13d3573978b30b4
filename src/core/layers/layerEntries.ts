// Streams one layer (gzip, zstd or plain tar) and lists its members without writing anything to disk.
import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import { extract } from 'tar-stream';

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

export interface LayerEntry {
  /** Absolute path in the image, `/usr/bin/env`. */
  path: string;
  type: EntryType;
  /** Bytes of a regular file; 0 for everything else (a hard link shares its target's bytes). */
  size: number;
  linkname?: string;
  /** `.wh.<name>` removes `path` from the layers below; `.wh..wh..opq` empties the directory `path`. */
  whiteout?: 'file' | 'opaque';
  /** The first bytes of a regular file, when asked for (an ELF header, a shebang). */
  head?: Buffer;
}

export interface ReadLayerOptions {
  /** How many leading bytes of each regular file to keep (0: none). */
  headBytes?: number;
}

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

export type Compression = 'gzip' | 'zstd' | 'none';

/** Compression from the blob's first bytes: media types lie (Docker's `.tar` layers are often gzip). */
export function sniffCompression(head: Buffer): Compression {
  if (head.subarray(0, 2).equals(GZIP_MAGIC)) return 'gzip';
  if (head.subarray(0, 4).equals(ZSTD_MAGIC)) return 'zstd';
  return 'none';
}

/** Reads the first `n` bytes and gives back a stream that still yields everything. */
export async function peek(
  input: AsyncIterable<Buffer | Uint8Array>,
  n: number,
): Promise<{ head: Buffer; stream: Readable }> {
  const it = input[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let have = 0;
  let done = false;
  while (have < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const chunk = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
    chunks.push(chunk);
    have += chunk.length;
  }
  const head = Buffer.concat(chunks);
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    if (done) return;
    for (let r = await it.next(); !r.done; r = await it.next())
      yield Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
  }
  return { head: head.subarray(0, n), stream: Readable.from(rest(), { objectMode: false }) };
}

class ZstdDecompress extends Transform {
  private readonly z = new Decompress((chunk) => this.push(Buffer.from(chunk)));
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.z.push(chunk);
      done();
    } catch (err) {
      done(err as Error);
    }
  }
  override _flush(done: TransformCallback): void {
    try {
      this.z.push(new Uint8Array(0), true);
      done();
    } catch (err) {
      done(err as Error);
    }
  }
}

export function decompressor(c: Compression): Transform {
  // Large output chunks: tar-stream's cost is per chunk, and zlib's small default made gunzip+tar much slower
  // (bench/README.md, static-check.ts).
  if (c === 'gzip') return createGunzip({ chunkSize: 256 << 10 });
  if (c === 'zstd') return new ZstdDecompress();
  return new PassThrough();
}

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

/** `./usr/bin/` → `/usr/bin`; the root itself → `/`. */
export function imagePath(name: string): string {
  const trimmed = name.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
  return trimmed === '.' || trimmed === '' ? '/' : `/${trimmed}`;
}

function entryType(t: string | null | undefined): EntryType {
  switch (t) {
    case 'file':
    case 'contiguous-file':
      return 'file';
    case 'directory':
      return 'dir';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    default:
      return 'other';
  }
}

/** True when a blob's first 512 bytes look like a layer: compressed, a ustar header, or an empty tar. */
export function looksLikeLayer(head: Buffer): boolean {
  if (sniffCompression(head) !== 'none') return true;
  if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') return true;
  return head.length >= 512 && head.subarray(0, 512).every((b) => b === 0);
}

/** Every member of a layer blob, in archive order, with whiteouts marked. Reads the stream to its end. */
export async function readLayer(
  input: AsyncIterable<Buffer | Uint8Array>,
  opts: ReadLayerOptions = {},
): Promise<LayerEntry[]> {
  const { head, stream } = await peek(input, 4);
  const tar = extract();
  const entries: LayerEntry[] = [];
  const feeding = pipeline(stream, decompressor(sniffCompression(head)), tar);
  const headBytes = opts.headBytes ?? 0;
  try {
    for await (const member of tar) {
      const h = member.header;
      const path = imagePath(h.name);
      const base = path.slice(path.lastIndexOf('/') + 1);
      const dir = path.slice(0, path.lastIndexOf('/')) || '/';
      const type = entryType(h.type);
      let firstBytes: Buffer | undefined;
      if (type === 'file' && headBytes > 0 && (h.size ?? 0) > 0) {
        const parts: Buffer[] = [];
        let got = 0;
        for await (const chunk of member as AsyncIterable<Buffer>) {
          if (got < headBytes) {
            parts.push(chunk.subarray(0, headBytes - got));
            got += Math.min(chunk.length, headBytes - got);
          }
        }
        firstBytes = Buffer.concat(parts);
      } else {
        member.resume();
      }
      if (base === OPAQUE) entries.push({ path: dir, type: 'dir', size: 0, whiteout: 'opaque' });
      else if (base.startsWith(WHITEOUT))
        entries.push({
          path: `${dir === '/' ? '' : dir}/${base.slice(WHITEOUT.length)}`,
          type: 'other',
          size: 0,
          whiteout: 'file',
        });
      else if (path !== '/') {
        entries.push({
          path,
          type,
          size: type === 'file' ? (h.size ?? 0) : 0,
          ...(h.linkname ? { linkname: h.linkname } : {}),
          ...(firstBytes ? { head: firstBytes } : {}),
        });
      }
    }
  } finally {
    await feeding;
  }
  return entries;
}

/**
 * Joins small chunks (a pipe's or a file stream's) into `size` ones before tar-stream sees them: its cost is
 * per chunk, so an archive read in a pipe's pieces takes several times as long (bench/README.md, static-check.ts).
 */
export async function* coalesce(source: AsyncIterable<Buffer>, size = 1 << 20): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let len = 0;
  for await (const chunk of source) {
    parts.push(chunk);
    len += chunk.length;
    if (len >= size) {
      yield parts.length === 1 ? parts[0]! : Buffer.concat(parts, len);
      parts = [];
      len = 0;
    }
  }
  if (len) yield parts.length === 1 ? parts[0]! : Buffer.concat(parts, len);
}
