import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const media = join(__dirname, '..', '..', '..', 'media');
const pages = ['shared', 'sizes', 'timeline'].map((p) => join(media, p, 'src'));

describe('webview sources', () => {
  it('never parse data as HTML (DOM is built with textContent)', () => {
    const offenders = pages.flatMap((dir) =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => join(dir, f))
        .filter((f) =>
          /\binnerHTML\b|\bouterHTML\b|insertAdjacentHTML|document\.write|\beval\(|new Function\(/.test(
            readFileSync(f, 'utf8'),
          ),
        ),
    );
    assert.deepEqual(offenders, []);
  });
});
