// Lists a tar's members by reading only their 512-byte headers and seeking past the data, so an
// OCI archive of gigabytes is indexed without reading a single layer byte (a streaming tar parser
// would pull every layer through memory just to discard it).
import { open, type FileHandle } from 'node:fs/promises';

export interface TarMember {
  /** Path inside the archive, without a leading "./". */
  name: string;
  /** Byte offset of the member's data in the archive. */
  offset: number;
  size: number;
}

const BLOCK = 512;

export class TarFile {
  private constructor(
    private readonly fh: FileHandle,
    readonly path: string,
    readonly members: Map<string, TarMember>,
  ) {}

  static async open(path: string): Promise<TarFile> {
    const fh = await open(path, 'r');
    try {
      return new TarFile(fh, path, await indexMembers(fh, path));
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  async read(name: string): Promise<Buffer | undefined> {
    const m = this.members.get(normalize(name));
    if (!m) return undefined;
    return readAt(this.fh, m.offset, m.size);
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}

function normalize(name: string): string {
  return name.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
    done += bytesRead;
  }
  return buf;
}

function cString(buf: Buffer, start: number, end: number): string {
  const zero = buf.indexOf(0, start);
  return buf.toString('utf8', start, zero >= start && zero < end ? zero : end);
}

/** Size field: octal text, or GNU base-256 when the high bit of the first byte is set. */
function sizeField(buf: Buffer): number {
  if ((buf[124]! & 0x80) !== 0) {
    let n = 0;
    for (let i = 125; i < 136; i++) n = n * 256 + buf[i]!;
    return n;
  }
  const text = cString(buf, 124, 136).trim();
  return text ? parseInt(text, 8) : 0;
}

function verifyChecksum(buf: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : buf[i]!;
  return sum === parseInt(cString(buf, 148, 156).trim(), 8);
}

/** PAX records: "<len> key=value\n" repeated. */
function paxRecords(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    if (space < 0) break;
    const len = parseInt(data.toString('utf8', i, space), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const record = data.toString('utf8', space + 1, i + len - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    i += len;
  }
  return out;
}

async function indexMembers(fh: FileHandle, path: string): Promise<Map<string, TarMember>> {
  const { size: fileSize } = await fh.stat();
  const members = new Map<string, TarMember>();
  let pos = 0;
  let longName: string | undefined;
  let pax: Record<string, string> = {};
  while (pos + BLOCK <= fileSize) {
    const header = await readAt(fh, pos, BLOCK);
    if (header.every((b) => b === 0)) break;
    if (!verifyChecksum(header)) throw new Error(`${path} is not a tar archive (bad header checksum at byte ${pos})`);
    const type = String.fromCharCode(header[156]!);
    let size = sizeField(header);
    const dataOffset = pos + BLOCK;
    if (type === 'x' || type === 'L') {
      const data = await readAt(fh, dataOffset, size);
      if (type === 'x') pax = paxRecords(data);
      else longName = cString(data, 0, data.length);
    } else if (type !== 'g') {
      const prefix = cString(header, 345, 500);
      const base = cString(header, 0, 100);
      const name = normalize(pax.path ?? longName ?? (prefix ? `${prefix}/${base}` : base));
      if (pax.size !== undefined) size = Number(pax.size);
      if (type === '0' || type === '\0' || type === '7') members.set(name, { name, offset: dataOffset, size });
      longName = undefined;
      pax = {};
    }
    pos = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
  }
  return members;
}
