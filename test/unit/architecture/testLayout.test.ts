import * as assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const repo = join(__dirname, '..', '..', '..');

describe('test layout', () => {
  it('test/unit has a folder for every src/core folder (where a newcomer looks for its tests)', () => {
    const core = readdirSync(join(repo, 'src/core'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    assert.ok(core.length > 10, 'found the src/core folders');
    assert.deepEqual(
      core.filter((name) => !existsSync(join(repo, 'test/unit', name))),
      [],
    );
  });
});
