// The Build Timeline inside the real extension host, after a real podman build of
// test/fixtures/projects/heavy-shared (linux/amd64 native, linux/arm64 under QEMU): the states its webview
// receives, and selecting a step opens the Dockerfile at that instruction.
// Needs scripts/setup/20-engines.sh (the base image in the local registry, QEMU).
import * as assert from 'node:assert/strict';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { runTool } from '../../src/core/engines/exec';
import { parseManifestList, platformRefs } from '../../src/core/engines/podmanOutput';
import type { MultiArchApi } from '../../src/extension';
import type { TimelineState, TimelineVariant } from '../../src/shared/timelineProtocol';
import { activateApi, readText, waitForEvent, workspaceRoot, writeText, endOf } from './helpers/api';
import { assertStrictCsp } from './helpers/webview';

const repo = join(__dirname, '..', '..');
const tag = `tl${Date.now().toString(36)}`;
const image = `multiarch-itest-timeline:${tag}-minimal`;
const podman = process.env.MULTIARCH_PODMAN ?? 'podman';

describe('Build Timeline after a real build', function () {
  this.timeout(600_000);
  let api: MultiArchApi;
  let original: string;
  let dockerfile: string;
  const configUri = () => vscode.Uri.joinPath(workspaceRoot(), 'multiarch.yaml');

  /** The panel's state once one satisfies `pred`: the current one, or the next posted after `trigger`. */
  async function stateWhere(
    pred: (s: TimelineState) => boolean,
    what: string,
    trigger?: () => Thenable<unknown>,
    timeoutMs = 30_000,
  ): Promise<TimelineState> {
    const now = api.timeline.current()?.lastState;
    if (!trigger && now && pred(now)) return now;
    const next = waitForEvent(api.timeline.onDidPostState, pred, timeoutMs, what);
    await trigger?.();
    return next;
  }

  const built = (s: TimelineState): TimelineVariant | undefined =>
    s.variants.find(
      (v) =>
        v.variant === 'minimal' &&
        v.dockerfile === dockerfile &&
        v.cells.length === 2 &&
        v.cells.every((c) => c.engine === 'podman'),
    );

  before(async function () {
    const choice = vscode.workspace.getConfiguration('multiarch').get<string>('engine') ?? 'auto';
    if (!process.env.MULTIARCH_ROOTFS_DIR || (choice !== 'auto' && choice !== 'podman')) {
      // Without the engine setup (or with another engine chosen) there is no podman build to show; in CI that is a failure.
      if (process.env.CI) throw new Error('the timeline test needs scripts/setup/20-engines.sh and the podman engine');
      this.skip();
    }
    api = await activateApi();
    original = await readText(configUri());
    await vscode.workspace.fs
      .delete(vscode.Uri.joinPath(workspaceRoot(), '.multiarch'), { recursive: true, useTrash: false })
      .then(undefined, () => undefined);
    const dir = join(workspaceRoot().fsPath, 'heavy-shared');
    await cp(join(repo, 'test/fixtures/projects/heavy-shared'), dir, { recursive: true });
    dockerfile = join(dir, 'Dockerfile');
    // The heavy step made unique to this run, so podman's cache cannot serve it: both platforms run it.
    const text = await readFile(dockerfile, 'utf8');
    await writeFile(dockerfile, text.replace('echo "deps: $i rounds', `echo "deps ${tag}: $i rounds`));
    const base =
      process.env.MULTIARCH_BASE_IMAGE ?? `${process.env.MULTIARCH_REGISTRY ?? '127.0.0.1:5000'}/multiarch/busybox:1`;
    const yaml = [
      'image: multiarch-itest-timeline',
      `tag: ${tag}`,
      'dockerfile: heavy-shared/Dockerfile',
      'context: heavy-shared',
      'target: runtime',
      'variantArg: QUEUE_BACKEND',
      'platforms: [linux/amd64, linux/arm64]',
      `args: { BASE_IMAGE: ${JSON.stringify(base)} }`,
      'tags: ["{image}:{tag}-{variant}"]',
      'variants:',
      '  minimal: {}',
      '',
    ].join('\n');
    const reloaded = waitForEvent(
      api.variants.onDidChangeTreeData!,
      async () => {
        const labels = await Promise.all(
          ((await api.variants.getChildren()) ?? []).map(async (n) => (await api.variants.getTreeItem(n)).label),
        );
        return labels.join() === 'minimal';
      },
      15_000,
      'the heavy-shared matrix in the tree',
    );
    await writeText(configUri(), yaml);
    await reloaded;
  });

  after(async () => {
    if (!api) return;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await writeText(configUri(), original);
    await vscode.workspace.fs
      .delete(vscode.Uri.joinPath(workspaceRoot(), 'heavy-shared'), { recursive: true, useTrash: false })
      .then(undefined, () => undefined);
    await vscode.workspace.fs
      .delete(vscode.Uri.joinPath(workspaceRoot(), '.multiarch'), { recursive: true, useTrash: false })
      .then(undefined, () => undefined);
    // Only what this test built: the manifest list and its two instances.
    const listed = await runTool([podman, 'manifest', 'inspect', image], { timeoutMs: 30_000 });
    if (listed.ok) {
      await runTool([podman, 'manifest', 'rm', image], { timeoutMs: 30_000 });
      for (const ref of Object.values(platformRefs(image, parseManifestList(listed.stdout))))
        await runTool([podman, 'rmi', ref], { timeoutMs: 30_000 });
    }
    await api.reload();
  });

  it('opens before any build with the empty state, then shows the build when it finishes', async () => {
    const ready = waitForEvent(api.timeline.onDidWebviewReady, () => true, 30_000, 'the webview to say ready');
    const empty = await stateWhere(
      (s) => s.variants.length === 0,
      'an empty timeline',
      () => vscode.commands.executeCommand('multiarch.timeline.show'),
    );
    await ready;
    assert.deepEqual(empty.configured, ['minimal']);

    const variant = (await api.variants.getChildren())![0];
    const shown = stateWhere((s) => !!built(s), 'the finished build in the timeline', undefined, 540_000);
    const execution = await vscode.commands.executeCommand<vscode.TaskExecution>('multiarch.build.variant', variant);
    assert.equal(await endOf(execution), 0, 'the build failed: see its terminal and .multiarch/logs');
    const v = built(await shown)!;

    assert.deepEqual(
      v.cells.map((c) => [c.platform, c.emulated, c.status]),
      [
        ['linux/amd64', false, 'succeeded'],
        ['linux/arm64', true, 'succeeded'],
      ],
    );
    const lines = (await readFile(dockerfile, 'utf8')).split('\n');
    for (const cell of v.cells) {
      assert.equal(
        cell.cachedLine,
        `${cell.cachedSteps}/${cell.totalSteps} steps cached (${Math.round((cell.cachedSteps / cell.totalSteps) * 100)}%)`,
      );
      const heavy = cell.steps.find((s) => s.stage === 'deps' && s.instruction.startsWith('RUN'));
      assert.ok(heavy, `${cell.platform}: no deps RUN step in ${JSON.stringify(cell.steps)}`);
      assert.equal(heavy.cached, false, `${cell.platform}: the heavy step ran`);
      // Every step is on a line of the Dockerfile that starts with the step's keyword.
      for (const s of cell.steps) {
        assert.ok(s.line !== undefined, `${cell.platform}: no line for ${s.instruction}`);
        assert.equal(
          lines[s.line]!.split(' ')[0],
          s.instruction.split(' ')[0],
          `${cell.platform}: ${s.instruction} on line ${s.line + 1}`,
        );
        assert.ok(s.share >= 0 && s.share <= 1);
      }
      assert.equal(lines[heavy.line!], 'RUN i=0; while [ "$i" -lt "$DEPS_ROUNDS" ]; do i=$((i+1)); done \\');
    }
    assert.equal(
      Math.max(...v.cells.flatMap((c) => c.steps.map((s) => s.share))),
      1,
      'the slowest step of the variant has the full bar',
    );
    assert.equal(v.emulation.length, 1);
    assert.match(v.emulation[0]!, /^linux\/arm64 took \d+(\.\d)?× the linux\/amd64 time for the same steps$/);
  });

  it('serves a strict CSP: default-src none, a nonce on the only script, resources from media/timeline only', () => {
    const p = api.timeline.current();
    assert.ok(p, 'the Build Timeline panel is open');
    assertStrictCsp(p, 'timeline', 'timeline.js');
  });

  it('selecting a step opens the Dockerfile at that instruction', async () => {
    const v = built(api.timeline.current()!.lastState!)!;
    const arm = v.cells.find((c) => c.platform === 'linux/arm64')!;
    const copy = arm.steps.find((s) => s.instruction.startsWith('COPY --from=compile'))!;
    const editor = await vscode.commands.executeCommand<vscode.TextEditor | undefined>('multiarch.timeline.openStep', {
      variant: 'minimal',
      platform: 'linux/arm64',
      position: copy.position,
    });
    assert.ok(editor, 'no editor opened');
    assert.equal(editor.document.uri.fsPath, dockerfile);
    assert.equal(editor.selection.active.line, copy.line);
    assert.match(editor.document.lineAt(editor.selection.active.line).text, /^COPY --from=compile \/out\/worker /);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, dockerfile);
  });

  it('opens focused on a cell from its tree row', async () => {
    const variant = (await api.variants.getChildren())![0]!;
    const leaf = (await api.variants.getChildren(variant))!.find(
      (n) => (n as { platform?: string }).platform === 'linux/arm64',
    );
    assert.ok(leaf, 'no linux/arm64 leaf');
    const focused = await stateWhere(
      (s) => s.focus?.platform === 'linux/arm64',
      'a state focused on the arm64 cell',
      () => vscode.commands.executeCommand('multiarch.timeline.show', leaf),
    );
    assert.deepEqual(focused.focus, { variant: 'minimal', platform: 'linux/arm64' });
    assert.ok(built(focused), 'the focused state still has the build');
  });
});
