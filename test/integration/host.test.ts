// The host itself: these fail when the runner is not really inside VS Code with our extension loaded.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'multiarch-builds.multiarch-builds';

describe('extension host', () => {
  it('runs inside VS Code 1.x', () => {
    assert.match(vscode.version, /^1\.\d+\.\d+/);
  });

  it('has the extension under test and activates it', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded in this extension host`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('opened the example workspace', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, 'exactly one workspace folder');
    assert.equal(folders[0].uri.path.split('/').pop(), 'queue-service');
  });
});
