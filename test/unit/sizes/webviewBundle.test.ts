import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWebview, codiconFiles, mediaDir } from '../../../src/vscode/sizes/webview/bundle';

const update = process.env.UPDATE_WEBVIEW === '1';

describe('media/sizes is built from src/vscode/sizes/webview', () => {
  it('sizes.js is the current bundle of the webview sources', async function () {
    this.timeout(30_000);
    const fresh = await bundleWebview();
    const file = join(mediaDir, 'sizes.js');
    if (update) writeFileSync(file, fresh);
    assert.ok(readFileSync(file, 'utf8') === fresh, 'media/sizes/sizes.js is stale: run UPDATE_WEBVIEW=1 npx mocha test/unit/sizes/webviewBundle.test.ts');
    assert.doesNotMatch(fresh, /\binnerHTML\b|\bouterHTML\b|insertAdjacentHTML|document\.write/, 'the webview never parses data as HTML');
  });

  it('codicons are the installed @vscode/codicons files', () => {
    const dir = join(mediaDir, 'codicons');
    if (update) mkdirSync(dir, { recursive: true });
    for (const { name, content } of codiconFiles()) {
      if (update) writeFileSync(join(dir, name), content);
      assert.ok(readFileSync(join(dir, name)).equals(content), `media/sizes/codicons/${name} is stale: run with UPDATE_WEBVIEW=1`);
    }
  });
});
