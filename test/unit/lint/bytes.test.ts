import { strict as assert } from 'node:assert';
import { decodeLossless } from '../../../src/core/lint/bytes';

describe('lossless decoding for the fixer', () => {
  it('round-trips valid UTF-8, a BOM, and every kind of invalid sequence', () => {
    const samples = [
      Buffer.from('\uFEFFFROM alpine\r\nRUN echo h\u00e9 \u{1F600}\n'),
      Buffer.from([0x52, 0x55, 0x4e, 0x20, 0xe9, 0x0a]),
      Buffer.from([0xc0, 0xaf, 0xe0, 0x80, 0xaf, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0xf8, 0x80]),
      Buffer.from([0x41, 0xe2, 0x82]),
    ];
    for (const b of samples) {
      const d = decodeLossless(b);
      assert.ok(d);
      assert.deepEqual(d.encode(d.text), b);
    }
  });

  it('keeps invalid bytes beside an edit', () => {
    const d = decodeLossless(Buffer.from([0x72, 0x75, 0x6e, 0x20, 0xe9, 0x0a]))!;
    assert.deepEqual(d.encode(d.text.replace('run', 'RUN')), Buffer.from([0x52, 0x55, 0x4e, 0x20, 0xe9, 0x0a]));
  });

  it('refuses a file whose valid text already holds the escape characters', () => {
    assert.equal(decodeLossless(Buffer.concat([Buffer.from('\uf7e9'), Buffer.from([0xe9])])), undefined);
  });
});
