// A config whose context is outside the project, in the real extension host: a build and Export CI Workflow ask
// first, in a modal dialog naming the path (answered here by stand-ins for the dialogs), and do nothing when declined.
import * as assert from 'node:assert/strict';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { activateApi, readText, workspaceRoot, writeText } from './helpers/api';

type Window = Pick<typeof vscode.window, 'showWarningMessage' | 'showErrorMessage'>;

describe('files outside the project', () => {
  const window = vscode.window as Window;
  const shown = { warning: window.showWarningMessage, error: window.showErrorMessage };
  const asked: string[] = [];
  const errors: string[] = [];
  let answer: string | undefined;
  let original: string;
  const configUri = () => vscode.Uri.joinPath(workspaceRoot(), 'multiarch.yaml');
  // The example builds from `context: .`; its parent folder is outside the project.
  const outside = () => dirname(workspaceRoot().fsPath);

  before(async () => {
    const api = await activateApi();
    original = await readText(configUri());
    window.showWarningMessage = (async (message: string, options: vscode.MessageOptions) => {
      asked.push(`${message}\n${options.detail ?? ''}`);
      return answer;
    }) as Window['showWarningMessage'];
    window.showErrorMessage = (async (message: string) => {
      errors.push(message);
      return undefined;
    }) as Window['showErrorMessage'];
    await writeText(configUri(), original.replace(/^context: \.$/m, 'context: ..'));
    await api.reload();
  });

  after(async () => {
    window.showWarningMessage = shown.warning;
    window.showErrorMessage = shown.error;
    await writeText(configUri(), original);
    await (await activateApi()).reload();
  });

  beforeEach(() => {
    asked.length = 0;
    errors.length = 0;
    answer = undefined;
  });

  it('Build All asks, naming the path; declined, no build starts and the error says what to do', async () => {
    assert.equal(await vscode.commands.executeCommand('multiarch.build.all'), undefined);
    assert.equal(asked.length, 1);
    assert.match(asked[0]!, /builds with files outside the project/);
    assert.match(asked[0]!, new RegExp(`context ${outside()}\\b`));
    assert.equal(vscode.tasks.taskExecutions.filter((e) => e.task.definition.type === 'multiarch').length, 0);
    assert.match(errors.join('\n'), /Build cancelled: .*outside the project\. Move it into the project/);
  });

  it('Export CI Workflow asks, naming the path; declined, nothing is written; allowed, the workflow is', async () => {
    const expected = vscode.Uri.joinPath(workspaceRoot(), '.github', 'workflows', 'multiarch.yml');
    const had = await readText(expected).catch(() => undefined);
    try {
      await vscode.workspace.fs.delete(expected).then(undefined, () => undefined);
      assert.equal(await vscode.commands.executeCommand('multiarch.ci.exportWorkflow'), undefined);
      assert.equal(asked.length, 1);
      assert.match(asked[0]!, /uses files outside the project/);
      assert.match(asked[0]!, new RegExp(`context ${outside()}\\b`));
      assert.equal(await readText(expected).catch(() => undefined), undefined, 'declined, yet a workflow was written');

      answer = 'Export Anyway';
      const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('multiarch.ci.exportWorkflow');
      assert.equal(uri?.fsPath, expected.fsPath);
      assert.equal(asked.length, 2);
    } finally {
      if (had === undefined) await vscode.workspace.fs.delete(expected).then(undefined, () => undefined);
      else await writeText(expected, had);
    }
  });
});
