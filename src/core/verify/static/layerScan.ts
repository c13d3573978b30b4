// One layer's tar, streamed: each path's kind, the ELF identity or shebang of regular files (from their
// first bytes only), and the whiteouts that hide lower layers' paths.
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import { HEADER_BYTES, readElf, shebang, type ElfId } from './elf';
import { decompressed } from './streams';

export type FsEntry =
  | { kind: 'file'; elf?: ElfId; interpreter?: string[] }
  | { kind: 'symlink'; target: string }
  | { kind: 'hardlink'; target: string }
  | { kind: 'dir' }
  | { kind: 'other' };

export interface LayerSummary {
  /** By path relative to the root, without leading "/" or "./". */
  entries: Map<string, FsEntry>;
  /** Paths this layer deletes from the layers below (`.wh.<name>`). */
  whiteouts: string[];
  /** Directories whose lower content this layer hides (`.wh..wh..opq`). */
  opaque: string[];
}

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

export function normalizePath(p: string): string {
  return p.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '').replace(/\/\.\//g, '/');
}

async function headOf(entry: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  let len = 0;
  // Every chunk is read (the tar stream only moves on once an entry is drained); only the first are kept.
  for await (const chunk of entry) {
    if (len >= HEADER_BYTES) continue;
    parts.push(chunk);
    len += chunk.length;
  }
  return Buffer.concat(parts).subarray(0, HEADER_BYTES);
}

/** Scans a layer blob: a tar, gzip'd tar or zstd'd tar. Throws when the bytes are not a tar. */
export async function scanLayer(source: AsyncIterable<Buffer>): Promise<LayerSummary> {
  const summary: LayerSummary = { entries: new Map(), whiteouts: [], opaque: [] };
  const tar = extract();
  const feeding = pipeline(await decompressed(source), tar);
  try {
    for await (const entry of tar) {
      const h = entry.header;
      const path = normalizePath(h.name);
      const slash = path.lastIndexOf('/');
      const base = path.slice(slash + 1);
      const dir = slash < 0 ? '' : path.slice(0, slash);
      if (base === OPAQUE) summary.opaque.push(dir);
      else if (base.startsWith(WHITEOUT)) summary.whiteouts.push(dir ? `${dir}/${base.slice(WHITEOUT.length)}` : base.slice(WHITEOUT.length));
      if (h.type === 'file' || h.type === 'contiguous-file') {
        const head = await headOf(entry as unknown as AsyncIterable<Buffer>);
        if (base.startsWith(WHITEOUT)) continue;
        const elf = readElf(head);
        const interpreter = elf ? undefined : shebang(head);
        summary.entries.set(path, { kind: 'file', ...(elf ? { elf } : {}), ...(interpreter ? { interpreter } : {}) });
        continue;
      }
      entry.resume();
      if (base.startsWith(WHITEOUT) || !path) continue;
      if (h.type === 'symlink') summary.entries.set(path, { kind: 'symlink', target: h.linkname ?? '' });
      else if (h.type === 'link') summary.entries.set(path, { kind: 'hardlink', target: normalizePath(h.linkname ?? '') });
      else if (h.type === 'directory') summary.entries.set(path, { kind: 'dir' });
      else summary.entries.set(path, { kind: 'other' });
    }
    await feeding;
  } catch (err) {
    tar.destroy();
    await feeding.catch(() => undefined);
    throw err;
  }
  return summary;
}
