import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MultiArchApi } from '../../src/extension';
import { activateApi, readText, waitForEvent, workspaceRoot, writeText } from './helpers/api';

type AnyNode = unknown;

async function labels(api: MultiArchApi, parent?: AnyNode): Promise<string[]> {
  const children = (await api.variants.getChildren(parent)) ?? [];
  return Promise.all(children.map(async (c) => String((await api.variants.getTreeItem(c)).label)));
}

async function items(api: MultiArchApi, parent?: AnyNode): Promise<{ node: AnyNode; item: vscode.TreeItem }[]> {
  const children = (await api.variants.getChildren(parent)) ?? [];
  return Promise.all(children.map(async (node) => ({ node, item: await api.variants.getTreeItem(node) })));
}

/** Writes the config and waits until the tree reflects it (the file watcher reloads, debounced). */
async function rewriteConfig(api: MultiArchApi, text: string, settled: (labels: string[]) => boolean): Promise<void> {
  const changed = waitForEvent(
    api.variants.onDidChangeTreeData!,
    async () => settled(await labels(api)),
    15_000,
    'the tree to reload',
  );
  await writeText(vscode.Uri.joinPath(workspaceRoot(), 'multiarch.yaml'), text);
  await changed;
}

describe('Variants tree', () => {
  let api: MultiArchApi;
  let original: string;
  const configUri = () => vscode.Uri.joinPath(workspaceRoot(), 'multiarch.yaml');

  before(async () => {
    api = await activateApi();
    original = await readText(configUri());
    await api.reload();
  });

  after(async () => {
    await writeText(configUri(), original);
    await api.reload();
  });

  it('shows the three variants of the example, in config order', async () => {
    assert.deepEqual(await labels(api), ['minimal', 'redis', 'sqs']);
  });

  it('Refresh redraws the tree even when nothing changed on disk', async () => {
    const redrawn = waitForEvent(api.variants.onDidChangeTreeData!, () => true, 10_000, 'a redraw after Refresh');
    await vscode.commands.executeCommand('multiarch.refresh');
    await redrawn;
    assert.deepEqual(await labels(api), ['minimal', 'redis', 'sqs']);
  });

  it("shows each variant's platforms as leaves (sqs is amd64 only)", async () => {
    const [minimal, , sqs] = await items(api);
    assert.deepEqual(await labels(api, minimal!.node), ['linux/amd64', 'linux/arm64']);
    assert.deepEqual(await labels(api, sqs!.node), ['linux/amd64']);
  });

  it('namespaces context values and shows a never-built platform as idle', async () => {
    const [redis] = (await items(api)).filter((i) => i.item.label === 'redis');
    assert.equal(redis!.item.contextValue, 'multiarch:variant');
    assert.match(String(redis!.item.description), /2 platforms · QUEUE_BACKEND=redis/);
    const [sqs] = (await items(api)).filter((i) => i.item.label === 'sqs');
    const [amd64] = await items(api, sqs!.node);
    assert.equal(amd64!.item.contextValue, 'multiarch:platform:idle');
    assert.match(String(amd64!.item.description), /^idle\b/);
  });

  it('replaces the matrix with a located error node when the config is invalid, and opens the config there', async () => {
    const bad = original.replace('platforms: [linux/amd64, linux/arm64]', 'platforms: [linux/amd64, linux/amd46]');
    assert.notEqual(bad, original, 'fixture changed: the test needs the platforms line');
    await rewriteConfig(api, bad, (l) => l.some((x) => x.includes('linux/amd46')));
    const [problem] = await items(api);
    assert.match(String(problem!.item.label), /"linux\/amd46" is not a platform/);
    const line = original.split('\n').findIndex((l) => l.startsWith('platforms:')) + 1;
    assert.match(String(problem!.item.description), new RegExp(`multiarch\\.yaml:${line}:\\d+$`));
    assert.equal(problem!.item.contextValue, 'multiarch:problem');

    const cmd = problem!.item.command!;
    await vscode.commands.executeCommand(cmd.command, ...(cmd.arguments ?? []));
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    assert.equal(editor.document.uri.path.endsWith('/multiarch.yaml'), true);
    assert.equal(editor.selection.active.line, line - 1);
  });

  it('goes back to the matrix when the config is fixed', async () => {
    await rewriteConfig(api, original, (l) => l.join() === 'minimal,redis,sqs');
    assert.deepEqual(await labels(api), ['minimal', 'redis', 'sqs']);
  });

  it('falls back to the Dockerfile as one "default" variant without a config, and Create multiarch.yaml scaffolds one', async () => {
    const changed = waitForEvent(
      api.variants.onDidChangeTreeData!,
      async () => (await labels(api)).includes('default'),
      15_000,
      'fallback tree',
    );
    await vscode.workspace.fs.delete(configUri());
    await changed;
    const [info, def] = await items(api);
    assert.match(String(info!.item.label), /No multiarch\.yaml/);
    assert.equal(def!.item.label, 'default');
    assert.deepEqual(await labels(api, def!.node), ['linux/amd64', 'linux/arm64']);

    await vscode.commands.executeCommand('multiarch.config.create');
    const created = await readText(configUri());
    assert.match(created, /^variantArg: QUEUE_BACKEND$/m);
    assert.match(created, /^ {2}minimal: \{\}$/m);
    await api.reload();
    assert.deepEqual(await labels(api), ['minimal']);
  });
});
