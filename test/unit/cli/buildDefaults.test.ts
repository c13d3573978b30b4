import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { run } from '../../../src/cli/commands/build';
import { DEFAULT_CONCURRENCY } from '../../../src/core/build/runnerTypes';

describe('multiarch build defaults', () => {
  it('runs as many jobs at once as the editor and the README say (maxParallelJobs: 2)', async () => {
    const pkg = JSON.parse(readFileSync(resolve(__dirname, '../../../package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
    };
    const setting = pkg.contributes.configuration.properties['multiarch.maxParallelJobs'];
    assert.equal(setting?.default, 2);
    assert.equal(DEFAULT_CONCURRENCY, 2);
    let out = '';
    const code = await run(['--help'], { cwd: process.cwd(), env: {}, out: (t) => (out += t), err: () => undefined });
    assert.equal(code, 0);
    assert.match(out, /--jobs N .*\(default 2,/s);
    const readme = readFileSync(resolve(__dirname, '../../../README.md'), 'utf8');
    assert.match(readme, /\| `multiarch\.maxParallelJobs` \| `2` \|/);
  });
});
