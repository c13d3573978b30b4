// Builds layer tars in memory with tar-stream's packer (the format engines write: ustar/PAX members).
import { pack } from 'tar-stream';

export type Member =
  | { name: string; type?: 'file'; content: Buffer | string }
  | { name: string; type: 'directory' }
  | { name: string; type: 'symlink' | 'link'; linkname: string };

export async function tarOf(members: Member[]): Promise<Buffer> {
  const p = pack();
  for (const m of members) {
    if ('content' in m) p.entry({ name: m.name }, typeof m.content === 'string' ? Buffer.from(m.content) : m.content);
    else if ('linkname' in m) p.entry({ name: m.name, type: m.type, linkname: m.linkname });
    else p.entry({ name: m.name, type: 'directory' });
  }
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}
