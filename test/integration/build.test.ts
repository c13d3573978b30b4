// Real builds from the real extension host: podman (or whichever engine "auto" picks) builds a FROM scratch
// fixture for linux/amd64 and linux/arm64 (QEMU). Needs scripts/setup/20-engines.sh (npm test runs it).
import * as assert from 'node:assert/strict';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { engineQuery } from '../../src/core/build/engineQuery';
import { brokenManifestLists } from '../../src/core/build/storeHealth';
import { runTool } from '../../src/core/engines/exec';
import { parseManifestList, platformRefs } from '../../src/core/engines/podmanOutput';
import type { MultiArchApi } from '../../src/extension';
import { removeProjectImages } from '../engines/cleanup';
import { activateApi, readText, waitForEvent, workspaceRoot, writeText, endOf } from './helpers/api';

const repo = join(__dirname, '..', '..');
const tag = `it${Date.now().toString(36)}`;
const hostile = `$(touch /tmp/pwned-${tag}); echo 'single' "double" a  b`;

async function leaf(api: MultiArchApi, variant: string, platform: string): Promise<vscode.TreeItem> {
  for (const v of (await api.variants.getChildren()) ?? []) {
    if ((await api.variants.getTreeItem(v)).label !== variant) continue;
    for (const p of (await api.variants.getChildren(v)) ?? []) {
      const item = await api.variants.getTreeItem(p);
      if (item.label === platform) return item;
    }
  }
  throw new Error(`no tree leaf ${variant} / ${platform}`);
}

async function variantNode(api: MultiArchApi, name: string): Promise<unknown> {
  for (const v of (await api.variants.getChildren()) ?? [])
    if ((await api.variants.getTreeItem(v)).label === name) return v;
  throw new Error(`no variant row ${name}`);
}

describe('builds in the real extension host', function () {
  let api: MultiArchApi;
  let original: string;
  const configUri = () => vscode.Uri.joinPath(workspaceRoot(), 'multiarch.yaml');
  const image = (variant: string) => `multiarch-itest:${tag}-${variant}`;

  before(async function () {
    const rootfs = process.env.MULTIARCH_ROOTFS_DIR;
    if (!rootfs) {
      // Without the engine setup these tests cannot run; in CI that is a failure, not a skip.
      if (process.env.CI) throw new Error('MULTIARCH_ROOTFS_DIR is not set: scripts/setup/20-engines.sh did not run');
      this.skip();
    }
    api = await activateApi();
    original = await readText(configUri());
    const dir = join(workspaceRoot().fsPath, 'build-fixture');
    await mkdir(dir, { recursive: true });
    const dockerfile =
      (await readFile(join(repo, 'test/fixtures/multiarch-app/Dockerfile'), 'utf8')) +
      'ARG NOTE\nRUN printf \'%s\' "$NOTE" > /note\nARG FAIL=0\nRUN if [ "$FAIL" = 1 ]; then echo failing on purpose; exit 3; fi\n';
    await writeFile(join(dir, 'Dockerfile'), dockerfile);
    for (const arch of ['amd64', 'arm64'])
      await cp(join(rootfs!, arch), join(dir, `rootfs-${arch}`), { recursive: true, verbatimSymlinks: true });
    const yaml = [
      'image: multiarch-itest',
      `tag: ${tag}`,
      'dockerfile: build-fixture/Dockerfile',
      'context: build-fixture',
      'variantArg: QUEUE_BACKEND',
      'platforms: [linux/amd64, linux/arm64]',
      `args: { NOTE: ${JSON.stringify(hostile)} }`,
      `registry: ${process.env.MULTIARCH_REGISTRY ?? '127.0.0.1:5000'}`,
      'variants:',
      '  minimal: {}',
      '  redis: {}',
      '  broken: { args: { FAIL: "1" }, platforms: [linux/amd64] }',
      '',
    ].join('\n');
    const reloaded = waitForEvent(
      api.variants.onDidChangeTreeData!,
      async () => {
        const labels = await Promise.all(
          ((await api.variants.getChildren()) ?? []).map(async (n) => (await api.variants.getTreeItem(n)).label),
        );
        return labels.join() === 'minimal,redis,broken';
      },
      15_000,
      'the fixture matrix in the tree',
    );
    await writeText(configUri(), yaml);
    await reloaded;
  });

  after(async () => {
    await removeProjectImages(workspaceRoot().fsPath, process.env);
    if (original !== undefined) await writeText(configUri(), original);
    await vscode.workspace.fs
      .delete(vscode.Uri.joinPath(workspaceRoot(), '.multiarch'), { recursive: true, useTrash: false })
      .then(undefined, () => undefined);
    await api?.reload();
  });

  it('Build Variant on a tree row runs a task that succeeds and marks both platforms succeeded', async () => {
    const execution = await vscode.commands.executeCommand<vscode.TaskExecution>(
      'multiarch.build.variant',
      await variantNode(api, 'minimal'),
    );
    assert.equal(execution?.task.definition.type, 'multiarch');
    assert.equal(await endOf(execution), 0);
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      const item = await leaf(api, 'minimal', platform);
      assert.equal(item.contextValue, 'multiarch:platform:succeeded', `${platform}: ${String(item.tooltip)}`);
      // Time and cache share come from the steps the engine reported for this platform.
      assert.match(String(item.description), /succeeded · \d+(\.\d)? s · \d+% cached/);
    }
  });

  it('the build ran the engine program named by $MULTIARCH_PODMAN / $MULTIARCH_DOCKER', async () => {
    // scripts/vscode-host/run-integration.mjs points both at wrappers that record each call, then run the real program.
    const files = [process.env.MULTIARCH_PODMAN_CALLS, process.env.MULTIARCH_DOCKER_CALLS];
    assert.ok(
      files.every(Boolean),
      'the integration host sets recording wrappers for MULTIARCH_PODMAN / MULTIARCH_DOCKER',
    );
    const calls = (await Promise.all(files.map((f) => readFile(f!, 'utf8').catch(() => '')))).join('');
    const context = join(workspaceRoot().fsPath, 'build-fixture');
    const builds = calls.split('\n').filter((l) => /^(buildx )?build /.test(l) && l.endsWith(context));
    assert.ok(builds.length > 0, `no build of ${context} went through the wrapper; it recorded:\n${calls}`);
  });

  it('Verify Architectures runs each built platform and shows the result on its tree leaf', async () => {
    const shown = waitForEvent(
      api.variants.onDidChangeTreeData!,
      async () => /verify pass/.test(String((await leaf(api, 'minimal', 'linux/arm64')).description)),
      60_000,
      'the verification on the tree leaf',
    );
    const results = await vscode.commands.executeCommand<
      { variant: string; platform: string; status: string; actual?: string }[]
    >('multiarch.verify.run', await variantNode(api, 'minimal'));
    const mine = (results ?? []).filter((r) => r.variant === 'minimal').map((r) => [r.platform, r.status, r.actual]);
    assert.deepEqual(mine.sort(), [
      ['linux/amd64', 'pass', 'x86_64'],
      ['linux/arm64', 'pass', 'aarch64'],
    ]);
    await shown;
    assert.match(
      String((await leaf(api, 'minimal', 'linux/arm64')).tooltip),
      /Verification: pass\nstatic ✅ \d+ ELF files match\narchitecture ✅ aarch64$/,
    );
  });

  it('built real images of each architecture, with hostile build args passed verbatim', async function () {
    // This machine kind has no buildx, so "auto" builds with podman; elsewhere the images are in another store.
    const choice = vscode.workspace.getConfiguration('multiarch').get<string>('engine') ?? 'auto';
    const podman = process.env.MULTIARCH_PODMAN ?? 'podman';
    if (choice !== 'auto' && choice !== 'podman') this.skip();
    for (const [platform, machine] of [
      ['linux/amd64', 'x86_64'],
      ['linux/arm64', 'aarch64'],
    ] as const) {
      const run = await runTool(
        [podman, 'run', '--rm', '--platform', platform, image('minimal'), 'cat', '/build-arch', '/note'],
        { timeoutMs: 60_000 },
      );
      assert.ok(run.ok, run.stderr);
      assert.equal(run.stdout, `${machine}\n${hostile}`);
    }
    const pwned = await runTool(['test', '-e', `/tmp/pwned-${tag}`]);
    assert.equal(pwned.ok, false, 'a build arg was interpreted by a shell');
  });

  it('Remove Broken Image drops a manifest list whose platform image is gone; its other image stays', async function () {
    const choice = vscode.workspace.getConfiguration('multiarch').get<string>('engine') ?? 'auto';
    if (choice !== 'auto' && choice !== 'podman') this.skip();
    const podman = process.env.MULTIARCH_PODMAN ?? 'podman';
    const ref = image('minimal');
    const entries = parseManifestList(
      (await runTool([podman, 'manifest', 'inspect', ref], { timeoutMs: 30_000 })).stdout,
    );
    const refs = platformRefs(ref, entries);
    // What `podman rmi` or `podman image prune` of one instance does to a list: it points at nothing.
    const armId = (
      await runTool([podman, 'image', 'inspect', '--format', '{{.Id}}', refs['linux/arm64']!], { timeoutMs: 30_000 })
    ).stdout.trim();
    assert.ok((await runTool([podman, 'rmi', armId], { timeoutMs: 30_000 })).ok);
    const broken = await brokenManifestLists(podman, [ref], engineQuery(process.env));
    assert.deepEqual(
      broken.map((b) => [b.ref, b.missing.map((m) => m.platform)]),
      [[ref, ['linux/arm64']]],
    );
    const removed = await vscode.commands.executeCommand<string[]>('multiarch.build.removeBrokenImage', [ref]);
    assert.deepEqual(removed, [ref]);
    assert.equal((await runTool([podman, 'manifest', 'exists', ref], { timeoutMs: 30_000 })).ok, false);
    assert.ok(
      (await runTool([podman, 'image', 'exists', refs['linux/amd64']!], { timeoutMs: 30_000 })).ok,
      'the amd64 image was kept',
    );
  });

  it('lists one task per variant plus "all" for tasks.json', async () => {
    const tasks = await vscode.tasks.fetchTasks({ type: 'multiarch' });
    const names = tasks.map((t) => t.name);
    for (const n of ['build all variants', 'build minimal', 'build redis', 'build broken'])
      assert.ok(names.includes(n), `${n} missing from ${names.join(', ')}`);
  });

  it('a failing build fails its task, marks the cell failed and puts a problem on the Dockerfile line', async () => {
    const dockerfile = vscode.Uri.file(join(workspaceRoot().fsPath, 'build-fixture', 'Dockerfile'));
    const diagnosed = waitForEvent(
      vscode.languages.onDidChangeDiagnostics,
      (e) =>
        e.uris.some((u) => u.fsPath === dockerfile.fsPath) &&
        vscode.languages.getDiagnostics(dockerfile).some((d) => d.source === 'multiarch build'),
      60_000,
      'a build problem on the Dockerfile',
    );
    const execution = await vscode.commands.executeCommand<vscode.TaskExecution>(
      'multiarch.build.variant',
      await variantNode(api, 'broken'),
    );
    assert.notEqual(await endOf(execution), 0);
    assert.equal((await leaf(api, 'broken', 'linux/amd64')).contextValue, 'multiarch:platform:failed');
    await diagnosed;
    const [problem] = vscode.languages.getDiagnostics(dockerfile).filter((d) => d.source === 'multiarch build');
    const text = await readText(dockerfile);
    const failLine = text.split('\n').findIndex((l) => l.includes('failing on purpose'));
    assert.equal(problem!.range.start.line, failLine);
  });

  it('Cancel Builds stops a running build: the task ends, the cell is cancelled, no engine process is left', async () => {
    const running = waitForEvent(
      api.variants.onDidChangeTreeData!,
      async () => (await leaf(api, 'redis', 'linux/arm64')).contextValue === 'multiarch:platform:running',
      60_000,
      'redis to be running',
    );
    const execution = await vscode.commands.executeCommand<vscode.TaskExecution>(
      'multiarch.build.variant',
      await variantNode(api, 'redis'),
    );
    const ended = endOf(execution);
    await running;
    await vscode.commands.executeCommand('multiarch.build.cancel');
    assert.notEqual(await ended, 0);
    const item = await leaf(api, 'redis', 'linux/arm64');
    assert.match(String(item.contextValue), /^multiarch:platform:(cancelled|failed)$/);
    const ps = await runTool(['ps', '-eo', 'args']);
    const left = ps.stdout.split('\n').filter((l) => l.includes(image('redis')) && /podman|buildah|docker/.test(l));
    assert.deepEqual(left, []);
  });

  it('Push Variant pushes a multi-platform index to the registry', async function () {
    const registry = process.env.MULTIARCH_REGISTRY ?? '127.0.0.1:5000';
    const execution = await vscode.commands.executeCommand<vscode.TaskExecution>(
      'multiarch.build.push',
      await variantNode(api, 'minimal'),
    );
    assert.equal(execution?.task.definition.push, true);
    assert.equal(await endOf(execution), 0);
    const raw = await runTool(
      ['skopeo', 'inspect', '--raw', '--tls-verify=false', `docker://${registry}/${image('minimal')}`],
      { timeoutMs: 30_000 },
    );
    assert.ok(raw.ok, raw.stderr);
    const index = JSON.parse(raw.stdout) as { manifests: { platform: { architecture: string } }[] };
    assert.deepEqual(index.manifests.map((m) => m.platform.architecture).sort(), ['amd64', 'arm64']);
  });

  it('the Builders view names the engine and which platforms run natively or under QEMU', async () => {
    const rows = (await api.builders.getChildren()) ?? [];
    const items = await Promise.all(rows.map((r) => api.builders.getTreeItem(r)));
    assert.match(String(items[0]!.label), /^Engine: (podman|docker|buildx)/);
    assert.ok(String(items[0]!.tooltip).length > 0, 'the engine row explains why it was chosen');
    const section = rows[items.findIndex((i) => i.label === 'Build nodes')];
    assert.ok(section, 'the view has a "Build nodes" section');
    const nodes = (await api.builders.getChildren(section)) ?? [];
    const local = nodes[0];
    const localItem = await api.builders.getTreeItem(local);
    assert.equal(localItem.label, 'local');
    assert.match(String(localItem.description), /^this machine \(/);
    const platforms = await Promise.all(
      ((await api.builders.getChildren(local)) ?? []).map((n) => api.builders.getTreeItem(n)),
    );
    const byPlatform = Object.fromEntries(platforms.map((p) => [String(p.label), String(p.description)]));
    assert.equal(byPlatform['linux/amd64'], 'native');
    assert.match(byPlatform['linux/arm64']!, /^emulated \(qemu-aarch64\)$/);
  });
});
