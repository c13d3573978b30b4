import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('layering', () => {
  it('src/core never imports vscode (so the CLI and unit tests can use it)', () => {
    const offenders = files(join(__dirname, '../../../src/core')).filter((f) =>
      /from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\)/.test(
        readFileSync(f, 'utf8'),
      ),
    );
    assert.deepEqual(offenders, []);
  });

  it('src/cli never imports vscode or src/vscode', () => {
    const offenders = files(join(__dirname, '../../../src/cli')).filter((f) =>
      /['"]vscode['"]|\/vscode\//.test(readFileSync(f, 'utf8')),
    );
    assert.deepEqual(offenders, []);
  });

  it('has one Ajv (core/schema.ts) and one messageOf (core/errors.ts)', () => {
    const all = [...files(join(__dirname, '../../../src')), ...files(join(__dirname, '../../../media'))];
    const matching = (re: RegExp) =>
      all.filter((f) => re.test(readFileSync(f, 'utf8'))).map((f) => f.slice(f.lastIndexOf('/src/') + 1));
    assert.deepEqual(matching(/new Ajv\b|from 'ajv\/dist/), ['src/core/schema.ts']);
    assert.deepEqual(matching(/instanceof Error \? \w+\.message : String\(/), ['src/core/errors.ts']);
  });
});
