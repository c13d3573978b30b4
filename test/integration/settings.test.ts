// multiarch.maxParallelJobs as the build runner gets it, in the real extension host: left unset, the runner's
// default applies (two at once, the run's last build beside them); set by the user, that number and never more.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { maxParallelJobs } from '../../src/vscode/settings';

describe('maxParallelJobs in the real extension host', () => {
  const section = () => vscode.workspace.getConfiguration('multiarch');
  const set = (value: number | undefined) =>
    section().update('maxParallelJobs', value, vscode.ConfigurationTarget.Workspace);

  after(() => set(undefined));

  it("is the runner's default while unset, and the number the user set once set, even when it equals the default", async () => {
    assert.equal(section().get('maxParallelJobs'), 2, 'the contributed default');
    assert.equal(maxParallelJobs(), undefined);
    await set(2);
    assert.equal(maxParallelJobs(), 2);
    await set(3);
    assert.equal(maxParallelJobs(), 3);
    await set(undefined);
    assert.equal(maxParallelJobs(), undefined);
  });
});
