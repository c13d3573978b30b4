import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const webviewSources = join(__dirname, '..', '..', '..', 'media', 'sizes', 'src');

describe('webview sources', () => {
  it('never parse data as HTML (DOM is built with textContent)', () => {
    const offenders = readdirSync(webviewSources)
      .filter((f) => f.endsWith('.ts'))
      .filter((f) =>
        /\binnerHTML\b|\bouterHTML\b|insertAdjacentHTML|document\.write|\beval\(|new Function\(/.test(
          readFileSync(join(webviewSources, f), 'utf8'),
        ),
      );
    assert.deepEqual(offenders, []);
  });
});
