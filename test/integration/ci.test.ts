// Export CI Workflow inside the real extension host: writes the workflow for the workspace's matrix and opens it.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { loadConfig } from '../../src/core/config/loadConfig';
import { renderCi } from '../../src/core/ci/exportCi';
import { activateApi, readText, workspaceRoot, writeText } from './helpers/api';

describe('Export CI Workflow', () => {
  before(async () => {
    await activateApi();
  });

  it('writes .github/workflows/multiarch.yml for the matrix and opens it; a second export replaces its own file', async () => {
    const root = workspaceRoot();
    const expected = vscode.Uri.joinPath(root, '.github', 'workflows', 'multiarch.yml');
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('multiarch.ci.exportWorkflow');
    assert.ok(uri, 'the command returned no file');
    assert.equal(uri.fsPath, expected.fsPath);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, expected.fsPath);

    const text = await readText(expected);
    const loaded = await loadConfig(join(root.fsPath, 'multiarch.yaml'));
    assert.ok(loaded.ok);
    assert.equal(text, renderCi('github', loaded.config).content);
    assert.match(text, /- variant: sqs\n\s+platforms: linux\/amd64\n/);

    // A changed matrix is exported again over the previous export, without asking.
    const configUri = vscode.Uri.joinPath(root, 'multiarch.yaml');
    const before = await readText(configUri);
    try {
      await writeText(
        configUri,
        before.replace('    platforms: [linux/amd64]', '    platforms: [linux/amd64, linux/arm64]'),
      );
      await vscode.commands.executeCommand('multiarch.ci.exportWorkflow');
      assert.match(await readText(expected), /- variant: sqs\n\s+platforms: linux\/amd64,linux\/arm64\n/);
    } finally {
      await writeText(configUri, before);
    }
  });
});
