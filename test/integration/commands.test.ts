import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateApi, extensionId, readText, workspaceRoot } from './helpers/api';

interface Manifest {
  contributes: {
    commands: { command: string }[];
    yamlValidation: { fileMatch: string[]; url: string }[];
  };
}

describe('contributed commands', () => {
  before(async () => {
    await activateApi();
  });

  it('registers every command declared in package.json', async () => {
    const manifest = vscode.extensions.getExtension(extensionId)!.packageJSON as Manifest;
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = manifest.contributes.commands.map((c) => c.command).filter((c) => !registered.has(c));
    assert.deepEqual(missing, []);
  });

  it('Show Build Plan opens a read-only document with the exact commands', async () => {
    await vscode.commands.executeCommand('multiarch.plan.show');
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'no editor opened');
    const doc = editor.document;
    assert.equal(doc.uri.scheme, 'multiarch-plan');
    const text = doc.getText();
    assert.match(text, /^# engine: (buildx|podman|docker) \(/m);
    assert.match(text, /--build-arg QUEUE_BACKEND=redis/);
    assert.match(text, /REDIS_VERSION=5\.0\.1/);
    assert.match(text, /# sqs → linux\/amd64 /);
    assert.equal(doc.languageId, 'shellscript');
    // Virtual documents cannot be saved over: the plan is display only.
    assert.equal(await doc.save(), false);
  });

  it('Show Build Plan for one variant lists only that variant', async () => {
    const api = await activateApi();
    const nodes = (await api.variants.getChildren()) ?? [];
    const labels = await Promise.all(nodes.map(async (n) => (await api.variants.getTreeItem(n)).label));
    const sqs = nodes[labels.indexOf('sqs')];
    await vscode.commands.executeCommand('multiarch.plan.show', sqs);
    const text = vscode.window.activeTextEditor!.document.getText();
    assert.match(text, /QUEUE_BACKEND=sqs/);
    assert.doesNotMatch(text, /QUEUE_BACKEND=redis/);
  });

  it('Open Config opens multiarch.yaml', async () => {
    await vscode.commands.executeCommand('multiarch.config.open');
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    assert.equal(editor.document.uri.toString(), vscode.Uri.joinPath(workspaceRoot(), 'multiarch.yaml').toString());
  });

  it('contributes the config JSON Schema for YAML editors, shipped in the extension', async () => {
    const ext = vscode.extensions.getExtension(extensionId)!;
    const yaml = (ext.packageJSON as Manifest).contributes.yamlValidation[0]!;
    assert.ok(yaml.fileMatch.includes('multiarch.yaml'));
    const schema = JSON.parse(await readText(vscode.Uri.joinPath(ext.extensionUri, yaml.url))) as {
      properties: Record<string, unknown>;
    };
    assert.ok('variants' in schema.properties && 'platforms' in schema.properties);
  });
});
