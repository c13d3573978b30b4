// Image Sizes, Verify Architectures and Export Build Report inside the real extension host.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { BuildRecord } from '../../src/core/results/types';
import type { VerifyResult } from '../../src/core/verify/types';
import type { MultiArchApi } from '../../src/extension';
import type { SizesState } from '../../src/shared/sizesProtocol';
import { GZIP, LayoutBuilder, ZSTD } from '../unit/sizes/ociFixture';
import { activateApi, waitForEvent, workspaceRoot } from './helpers/api';
import { assertStrictCsp } from './helpers/webview';

let api: MultiArchApi;

/**
 * The panel's state once one satisfies `pred`: the current one, or the next ones posted (after `trigger`
 * runs, when given; the listener is in place before it).
 */
async function stateWhere(
  pred: (s: SizesState) => boolean,
  what: string,
  trigger?: () => Thenable<unknown>,
): Promise<SizesState> {
  const now = api.sizes.current()?.lastState;
  if (!trigger && now && pred(now)) return now;
  const next = waitForEvent(api.sizes.onDidPostState, pred, 30_000, what);
  await trigger?.();
  return next;
}

const record = (over: Partial<BuildRecord>): BuildRecord => ({
  variant: 'minimal',
  platform: 'linux/amd64',
  engine: 'podman',
  engineVersion: '4.3.1',
  output: 'oci',
  status: 'succeeded',
  startedAt: '2026-11-27T05:00:00.000Z',
  durationMs: 4200,
  ...over,
});

describe('Image Sizes panel, verification and report', () => {
  let root: string;
  let resultsFile: string;
  let saved: string | undefined;
  let expected: Record<string, number>;

  const writeResults = (records: BuildRecord[]): void =>
    writeFileSync(resultsFile, JSON.stringify({ version: 1, cells: { all: records } }));

  before(async () => {
    api = await activateApi();
    root = workspaceRoot().fsPath;
    resultsFile = join(root, '.multiarch', 'results.json');
    saved = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : undefined;
    mkdirSync(join(root, '.multiarch'), { recursive: true });
    const b = new LayoutBuilder(join(root, '.multiarch', 'sizes-test', 'minimal'));
    const amd = b.image('amd64', [
      [4000, GZIP],
      [120, GZIP],
    ]);
    const arm = b.image('arm64', [[3600, ZSTD]]);
    b.writeTop([b.index([amd, arm])]);
    expected = { 'linux/amd64': amd.expected, 'linux/arm64': arm.expected };
    writeResults([record({ ociPath: b.dir }), record({ platform: 'linux/arm64', ociPath: b.dir, emulated: true })]);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(join(root, '.multiarch', 'sizes-test'), { recursive: true, force: true });
    rmSync(join(root, '.multiarch', 'verify.json'), { force: true });
    rmSync(join(root, '.multiarch', 'sizes.json'), { force: true });
    if (saved === undefined) rmSync(resultsFile, { force: true });
    else writeFileSync(resultsFile, saved);
  });

  it('opens from the palette command and receives one row per built cell with the OCI sizes', async () => {
    const ready = waitForEvent(api.sizes.onDidWebviewReady, () => true, 30_000, 'the webview to say ready');
    const state = await stateWhere(
      (x) => x.rows.length >= 2,
      'the panel never received the two built cells',
      () => vscode.commands.executeCommand('multiarch.sizes.show'),
    );
    await ready;
    const rows = state.rows.map((r) => [r.variant, r.platform, r.compressed, r.layers, r.source, r.error]);
    assert.deepEqual(rows, [
      ['minimal', 'linux/amd64', expected['linux/amd64'], 2, 'oci-layout', undefined],
      ['minimal', 'linux/arm64', expected['linux/arm64'], 1, 'oci-layout', undefined],
    ]);
    assert.deepEqual(state.variants, ['minimal', 'redis', 'sqs']);
  });

  it('serves a strict CSP: default-src none, a nonce on the only script, resources from media/sizes only', async () => {
    const p = api.sizes.current();
    assert.ok(p, 'the Image Sizes panel is open');
    assertStrictCsp(p, 'sizes', 'sizes.js');
  });

  it('updates live when the build results change', async () => {
    // An update for an earlier change may be posted first; the one with the new results must follow.
    const after = await stateWhere(
      (p) => p.rows.some((r) => r.variant === 'sqs'),
      'the sqs build never appeared in the panel',
      async () =>
        writeResults([
          record({ ociPath: join(root, '.multiarch', 'sizes-test', 'minimal') }),
          record({ platform: 'linux/arm64', ociPath: join(root, '.multiarch', 'sizes-test', 'minimal') }),
          record({ variant: 'sqs', ociPath: join(root, '.multiarch', 'sizes-test', 'missing.tar') }),
        ]),
    );
    const sqs = after.rows.find((r) => r.variant === 'sqs')!;
    assert.match(sqs.error ?? '', /missing\.tar does not exist/);
  });

  it('opens focused on a variant from its context-menu argument', async () => {
    // A live update for an earlier change may be posted first; the focused state must follow.
    const after = await stateWhere(
      (p) => p.focusVariant === 'minimal',
      'the panel never received the focused variant',
      () => vscode.commands.executeCommand('multiarch.sizes.show', { variant: { name: 'minimal' } }),
    );
    assert.equal(after.focusVariant, 'minimal');
  });

  it('survives a reload of the webview: it restores, says ready again and gets the rows again', async () => {
    const prev = api.sizes.current()?.lastState;
    assert.ok(prev, 'the panel has shown rows');
    // After "ready" the panel posts the rows again.
    const after = waitForEvent(
      api.sizes.onDidWebviewReady,
      () => true,
      30_000,
      'the reloaded webview to say ready',
    ).then(() => waitForEvent(api.sizes.onDidPostState, () => true, 30_000, 'the rows after the reload'));
    await vscode.commands.executeCommand('workbench.action.webview.reloadWebviewAction');
    assert.deepEqual(
      (await after).rows.map((r) => [r.variant, r.platform, r.compressed]),
      prev.rows.map((r) => [r.variant, r.platform, r.compressed]),
    );
  });

  it('Verify Architectures records a result per built cell (skipped with the reason for OCI-only builds)', async () => {
    const results = await vscode.commands.executeCommand<VerifyResult[]>('multiarch.verify.run');
    assert.ok(Array.isArray(results));
    assert.ok(results.length >= 2);
    for (const r of results) {
      assert.equal(r.status, 'skipped');
      assert.match(r.reason ?? '', /no runnable image \(output "oci"\)/);
    }
    assert.ok(existsSync(join(root, '.multiarch', 'verify.json')));
    await stateWhere((p) => p.rows.every((r) => r.verify?.status === 'skipped'), 'the panel shows the verification');
  });

  it('Export Build Report writes the Markdown report with the recorded figures', async () => {
    const target = vscode.Uri.file(join(root, '.multiarch', 'sizes-test', 'report.md'));
    const written = await vscode.commands.executeCommand<vscode.Uri>('multiarch.report.export', target);
    assert.equal(written?.fsPath, target.fsPath);
    const text = readFileSync(target.fsPath, 'utf8');
    assert.match(text, /^# Multi-Arch build results/);
    assert.match(text, /\*\*Engine:\*\* podman 4\.3\.1/);
    assert.ok(text.includes(`| minimal | amd64, arm64 | 4.2 s |`), text);
    assert.match(text, /## Architecture verification[\s\S]*skipped: the build produced no runnable image/);
  });
});
