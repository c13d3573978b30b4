// Build facts in the Dockerfile inside the real extension host, after a real podman build of two variants of
// test/fixtures/projects/heavy-shared (linux/amd64 native, linux/arm64 under QEMU, busybox base from the
// local registry): the heavy stage runs once per platform in the shared warm-up, and its seconds still read
// on its line in every cell. The lens and the inline hint, the hover, the emulation hot-spot diagnostic and
// its code action, stale lines, the step a click focuses in the Build Timeline, and the matrix status bar item.
// Needs scripts/setup/20-engines.sh (the base image in the local registry, QEMU).
import * as assert from 'node:assert/strict';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { runTool } from '../../src/core/engines/exec';
import { parseManifestList, platformRefs } from '../../src/core/engines/podmanOutput';
import type { MultiArchApi } from '../../src/extension';
import { activateApi, endOf, readText, waitForEvent, workspaceRoot, writeText } from './helpers/api';

const repo = join(__dirname, '..', '..');
const tag = `in${Date.now().toString(36)}`;
const VARIANTS = ['minimal', 'redis'];
const images = VARIANTS.map((v) => `multiarch-itest-insight:${tag}-${v}`);
/** Seconds as formatSeconds writes them: "27.7 s", or "2 min 42 s" on a loaded machine. */
const S = String.raw`(?:\d+\.\d s|\d+ min \d+ s)`;
/** What the heavy line reads: both platforms, every cell ran it (in the warm-up, once per platform). */
const HEAVY_FACTS = new RegExp(
  String.raw`^amd64 ${S} · arm64 ${S} \(QEMU \d+(\.\d)?×\) · cached in 0/4 cells · ran once in the shared warm-up \(amd64, arm64\)$`,
);
const podman = process.env.MULTIARCH_PODMAN ?? 'podman';
const HEAVY = 'RUN i=0; while [ "$i" -lt "$DEPS_ROUNDS" ]; do i=$((i+1)); done \\';

/** Polls `read` until `pred` holds (providers answer from state that settles after events). */
async function until<T>(read: () => Thenable<T> | T, pred: (v: T) => boolean, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  let last: T = await read();
  while (!pred(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await read();
  }
  return last;
}

describe('Build facts in the Dockerfile after a real build', function () {
  this.timeout(600_000);
  let api: MultiArchApi;
  let original: string;
  let dockerfile: vscode.Uri;
  let heavyLine: number;
  const configUri = () => vscode.Uri.joinPath(workspaceRoot(), 'multiarch.yaml');
  // The lens command needs the document loaded in the workbench: open it first (another editor may have replaced it).
  const lenses = async () => {
    await vscode.workspace.openTextDocument(dockerfile);
    return vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', dockerfile, 100);
  };
  const heavyLens = async () => (await lenses()).find((l) => l.range.start.line === heavyLine);

  before(async function () {
    const choice = vscode.workspace.getConfiguration('multiarch').get<string>('engine') ?? 'auto';
    if (!process.env.MULTIARCH_ROOTFS_DIR || (choice !== 'auto' && choice !== 'podman')) {
      if (process.env.CI)
        throw new Error('the build facts test needs scripts/setup/20-engines.sh and the podman engine');
      this.skip();
    }
    api = await activateApi();
    original = await readText(configUri());
    await vscode.workspace.fs
      .delete(vscode.Uri.joinPath(workspaceRoot(), '.multiarch'), { recursive: true, useTrash: false })
      .then(undefined, () => undefined);
    const dir = join(workspaceRoot().fsPath, 'insight-app');
    await cp(join(repo, 'test/fixtures/projects/heavy-shared'), dir, { recursive: true });
    dockerfile = vscode.Uri.file(join(dir, 'Dockerfile'));
    // The heavy step made unique to this run, so podman's cache cannot serve it: both platforms run it.
    const text = await readFile(dockerfile.fsPath, 'utf8');
    await writeFile(dockerfile.fsPath, text.replace('echo "deps: $i rounds', `echo "deps ${tag}: $i rounds`));
    heavyLine = text.split('\n').indexOf(HEAVY);
    assert.ok(heavyLine > 0);
    const base =
      process.env.MULTIARCH_BASE_IMAGE ?? `${process.env.MULTIARCH_REGISTRY ?? '127.0.0.1:5000'}/multiarch/busybox:1`;
    const yaml = [
      'image: multiarch-itest-insight',
      `tag: ${tag}`,
      'dockerfile: insight-app/Dockerfile',
      'context: insight-app',
      'target: runtime',
      'variantArg: QUEUE_BACKEND',
      'platforms: [linux/amd64, linux/arm64]',
      // Enough rounds that QEMU takes over 5 s: an emulation hot spot (~1 s natively).
      `args: { BASE_IMAGE: ${JSON.stringify(base)}, DEPS_ROUNDS: "900000" }`,
      'tags: ["{image}:{tag}-{variant}"]',
      'variants:',
      '  minimal: {}',
      '  redis: {}',
      '',
    ].join('\n');
    const reloaded = waitForEvent(
      api.variants.onDidChangeTreeData!,
      async () => {
        const labels = await Promise.all(
          ((await api.variants.getChildren()) ?? []).map(async (n) => (await api.variants.getTreeItem(n)).label),
        );
        return labels.join() === VARIANTS.join();
      },
      15_000,
      'the insight-app matrix in the tree',
    );
    await writeText(configUri(), yaml);
    await reloaded;
  });

  after(async () => {
    if (!api) return;
    await vscode.workspace
      .getConfiguration('multiarch')
      .update('buildFacts', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands
      .executeCommand('workbench.action.revertAndCloseActiveEditor')
      .then(undefined, () => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await writeText(configUri(), original);
    await vscode.workspace.fs
      .delete(vscode.Uri.joinPath(workspaceRoot(), 'insight-app'), { recursive: true, useTrash: false })
      .then(undefined, () => undefined);
    await vscode.workspace.fs
      .delete(vscode.Uri.joinPath(workspaceRoot(), '.multiarch'), { recursive: true, useTrash: false })
      .then(undefined, () => undefined);
    for (const image of images) {
      const listed = await runTool([podman, 'manifest', 'inspect', image], { timeoutMs: 30_000 });
      if (!listed.ok) continue;
      await runTool([podman, 'manifest', 'rm', image], { timeoutMs: 30_000 });
      for (const ref of Object.values(platformRefs(image, parseManifestList(listed.stdout))))
        await runTool([podman, 'rmi', ref], { timeoutMs: 30_000 });
    }
    await api.reload();
  });

  it('shows nothing before a build; the status bar counts the matrix while it builds and when built', async () => {
    await vscode.window.showTextDocument(dockerfile);
    assert.deepEqual(await lenses(), [], 'no build recorded: no lens');
    assert.equal(api.insight.statusBar().visible, true);
    // Earlier tests may have built a cell named minimal in this window: only the shape is certain here.
    assert.match(api.insight.statusBar().text, /^\$\((layers|check)\) \d\/4 built$/);

    // Build All: the two variants share the heavy stage, which the warm-up builds once per platform.
    const execution = await vscode.commands.executeCommand<vscode.TaskExecution>('multiarch.build.all');
    await until(
      () => api.insight.statusBar().text,
      (t) => /building$/.test(t),
      'the status bar to say building',
    );
    assert.match(api.insight.statusBar().text, /^\$\(sync~spin\) \d\/4 building$/);
    const facts = waitForEvent(api.insight.onDidChangeFacts, () => true, 540_000, 'the facts after the build');
    assert.equal(await endOf(execution), 0, 'the build failed: see its terminal and .multiarch/logs');
    await facts;
    assert.equal(api.insight.statusBar().text, '$(check) 4/4 built');
    assert.match(api.insight.statusBar().tooltip, /4\/4 cells built/);
  });

  it('puts per-platform seconds, the QEMU factor and the cache count on the line, and a table in the hover', async () => {
    const lens = await until(heavyLens, (l) => !!l, 'the lens on the heavy RUN line');
    const title = lens!.command!.title;
    assert.match(title, HEAVY_FACTS);
    const byLine = new Map((await lenses()).map((l) => [l.range.start.line, l.command!.title]));
    const text = (await readFile(dockerfile.fsPath, 'utf8')).split('\n');
    for (const line of byLine.keys()) assert.match(text[line]!, /^(RUN|COPY|CMD|ARG|FROM)\b/, `lens on ${text[line]}`);

    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      dockerfile,
      new vscode.Position(heavyLine, 4),
    );
    const md = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : c.value))
      .join('\n');
    assert.match(md, /\| Variant \| amd64 \| arm64 \|/);
    for (const v of VARIANTS)
      assert.match(md, new RegExp(String.raw`\| ${v} \| ${S} in warm-up \| ${S} in warm-up \(QEMU\) \|`));
    assert.match(md, /command:multiarch\.timeline\.show/);
  });

  it('marks the emulation hot spot with the measured numbers and links the way out', async () => {
    // The lens has the numbers the hot spot is decided from (at least 5 s and 4× the native run): a timeout says them.
    const diagnostic = await until(
      () => vscode.languages.getDiagnostics(dockerfile).find((d) => d.source === 'multiarch timings'),
      (d) => !!d,
      'the hot-spot diagnostic',
    ).catch(async (err: unknown) => {
      throw new Error(`${String(err)}; the heavy line's facts: ${(await heavyLens())?.command?.title}`);
    });
    assert.equal(diagnostic!.severity, vscode.DiagnosticSeverity.Information);
    assert.equal(diagnostic!.range.start.line, heavyLine);
    assert.match(
      diagnostic!.message,
      new RegExp(
        String.raw`^Emulation hot spot: under QEMU this step took ${S} on linux/arm64 against ${S} on linux/amd64 \(\d+(\.\d)?×\) in variant (minimal|redis); also in (minimal|redis)\. Move this work`,
      ),
    );
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      dockerfile,
      diagnostic!.range,
    );
    const readme = actions.find((a) => a.title.includes('$BUILDPLATFORM or a build node'));
    assert.ok(readme?.command, JSON.stringify(actions.map((a) => a.title)));
    // No Go compile stage here, so no rewrite: the action opens the README at the section.
    assert.ok(!actions.some((a) => a.title.startsWith('Cross-compile')));
    await vscode.commands.executeCommand(readme.command.command, ...(readme.command.arguments ?? []));
    const opened = await until(
      () => vscode.window.activeTextEditor,
      (e) => !!e && e.document.uri.path.endsWith('/README.md'),
      'the README to open',
    );
    assert.equal(opened!.document.lineAt(opened!.selection.active.line).text, '### Moving work off emulation');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('a click opens the Build Timeline focused on that step', async () => {
    const lens = (await heavyLens())!;
    assert.equal(lens.command!.command, 'multiarch.timeline.show');
    const posted = waitForEvent(
      api.timeline.onDidPostState,
      (s) => s.focus?.position !== undefined && s.variants.length > 0,
      60_000,
      'the focused timeline',
    );
    await vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []));
    const state = await posted;
    const arg = lens.command!.arguments![0] as { variant: string; platform: string; position: number };
    assert.deepEqual(state.focus, arg);
    const step = state.variants
      .find((v) => v.variant === arg.variant)!
      .cells.find((c) => c.platform === arg.platform)!
      .steps.find((s) => s.position === arg.position);
    assert.equal(step?.line, heavyLine);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('shows the facts as an inline hint when set so, and marks an edited line stale', async () => {
    await vscode.workspace
      .getConfiguration('multiarch')
      .update('buildFacts', 'hint', vscode.ConfigurationTarget.Workspace);
    assert.deepEqual(await lenses(), [], 'hint mode shows no lens');
    const editor = await vscode.window.showTextDocument(dockerfile);
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>(
      'vscode.executeInlayHintProvider',
      dockerfile,
      new vscode.Range(0, 0, editor.document.lineCount, 0),
    );
    const hint = hints.find((h) => h.position.line === heavyLine);
    const label = typeof hint?.label === 'string' ? hint.label : hint?.label.map((p) => p.value).join('');
    assert.match(label ?? '', HEAVY_FACTS);

    await vscode.workspace
      .getConfiguration('multiarch')
      .update('buildFacts', undefined, vscode.ConfigurationTarget.Workspace);
    // An unsaved edit of the heavy line: its numbers describe text that is no longer there.
    await editor.edit((e) => e.replace(new vscode.Range(heavyLine, 0, heavyLine, 5), 'RUN j=0; i=0;'));
    const stale = await until(heavyLens, (l) => !!l && l.command!.title.includes('stale'), 'the stale lens');
    assert.equal(
      stale!.command!.title,
      '$(history) stale: changed since the last build (4 cells); build again for fresh numbers',
    );
    assert.ok(
      (await lenses()).some((l) => l.range.start.line !== heavyLine && !l.command!.title.includes('stale')),
      'the other lines keep their numbers',
    );
    // until() throws when the hot spot is still there at its timeout.
    await until(
      () => vscode.languages.getDiagnostics(dockerfile).filter((d) => d.source === 'multiarch timings').length,
      (n) => n === 0,
      'the hot spot to go with the stale numbers',
    );
  });
});
