// Byte-stream helpers for reading image layers without writing them anywhere: peek at a stream's first
// bytes, and undo gzip or zstd compression by sniffing the magic (media types lie in docker archives).
import { Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';

export interface Peeked {
  head: Buffer;
  /** The whole stream again, head included. */
  all: AsyncIterable<Buffer>;
}

/** Reads until `n` bytes (or the end) are buffered, without losing them for the consumer. */
export async function peek(source: AsyncIterable<Buffer>, n: number): Promise<Peeked> {
  const it = source[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let len = 0;
  let done = false;
  while (len < n) {
    const next = await it.next();
    if (next.done) {
      done = true;
      break;
    }
    parts.push(next.value);
    len += next.value.length;
  }
  const head = Buffer.concat(parts);
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    if (done) return;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head, all: all() };
}

/** fzstd's streaming decoder as a Transform (node 20's zlib has no zstd). */
function zstdStream(): Transform {
  const t: Transform = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      try {
        decoder.push(chunk);
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
    flush(cb) {
      try {
        decoder.push(new Uint8Array(0), true);
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
  });
  // The decoder may reuse its window buffer, so each chunk is copied before it is queued.
  const decoder = new Decompress((data) => {
    t.push(Buffer.from(data));
  });
  return t;
}

export type Compression = 'gzip' | 'zstd' | 'none';

export function sniffCompression(head: Buffer): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

/** The stream's bytes, decompressed when they start with a gzip or zstd frame. */
export async function decompressed(source: AsyncIterable<Buffer>): Promise<Readable> {
  const { head, all } = await peek(source, 4);
  const raw = Readable.from(all, { objectMode: false });
  const kind = sniffCompression(head);
  if (kind === 'none') return raw;
  const inflate = kind === 'gzip' ? createGunzip({ chunkSize: 256 << 10 }) : zstdStream();
  raw.on('error', (err) => inflate.destroy(err));
  return raw.pipe(inflate);
}

/**
 * Joins small chunks (a pipe's 64 kB) into ~1 MB ones: tar-stream's cost is per chunk, and reading an
 * archive in 64 kB pieces took 4× as long as in 1 MB ones here (bench/static-check.ts).
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
