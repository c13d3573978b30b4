/**
 * Text for the fixer that turns back into exactly the bytes it came from. Valid UTF-8 decodes as usual.
 * A byte that is not part of a valid UTF-8 sequence (a Latin-1 `é` in a RUN line, say) would decode to
 * U+FFFD and be lost; here each such byte becomes a private-use character U+F700+byte, which encodes back
 * to the byte. The edits the fixer makes are ASCII around Dockerfile syntax, so they never split one.
 */
export interface LosslessText {
  text: string;
  encode(text: string): Buffer;
}

const ESCAPE_BASE = 0xf700;

export function decodeLossless(bytes: Buffer): LosslessText | undefined {
  const plain = bytes.toString('utf8');
  if (Buffer.from(plain, 'utf8').equals(bytes)) return { text: plain, encode: (t) => Buffer.from(t, 'utf8') };
  let text = '';
  let run = 0;
  let i = 0;
  // A file that already holds our escape characters could not be told apart from escaped bytes.
  const clash = /[\uf780-\uf7ff]/;
  const flush = (end: number) => {
    const valid = bytes.toString('utf8', run, end);
    if (clash.test(valid)) return false;
    text += valid;
    return true;
  };
  while (i < bytes.length) {
    const len = sequenceLength(bytes, i);
    if (len > 0) {
      i += len;
      continue;
    }
    if (!flush(i)) return undefined;
    text += String.fromCharCode(ESCAPE_BASE + bytes[i]);
    i++;
    run = i;
  }
  if (!flush(i)) return undefined;
  return {
    text,
    encode(t: string): Buffer {
      const parts: Buffer[] = [];
      let from = 0;
      for (let k = 0; k < t.length; k++) {
        const c = t.charCodeAt(k);
        if (c < ESCAPE_BASE + 0x80 || c > ESCAPE_BASE + 0xff) continue;
        parts.push(Buffer.from(t.slice(from, k), 'utf8'), Buffer.from([c - ESCAPE_BASE]));
        from = k + 1;
      }
      parts.push(Buffer.from(t.slice(from), 'utf8'));
      return Buffer.concat(parts);
    },
  };
}

/** Length of the valid UTF-8 sequence at `i`, or 0 when the byte there starts none (RFC 3629). */
function sequenceLength(b: Buffer, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k] >= lo && b[i + k] <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((c >= 0xe1 && c <= 0xec) || c === 0xee || c === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}
