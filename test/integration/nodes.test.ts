import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MultiArchApi } from '../../src/extension';
import type { NodeProbe } from '../../src/core/nodes/types';
import { back, type Answer, type InputStep, type PickStep, type Prompter } from '../../src/vscode/builders/prompter';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runTool } from '../../src/core/engines/exec';
import { ResultsStore } from '../../src/core/results/store';
import { activateApi, readText, waitForEvent, workspaceRoot, writeText, endOf } from './helpers/api';

interface Row {
  node: unknown;
  item: vscode.TreeItem;
}

async function rows(api: MultiArchApi, parent?: unknown): Promise<Row[]> {
  const children = (await api.builders.getChildren(parent)) ?? [];
  return Promise.all(children.map(async (node) => ({ node, item: await api.builders.getTreeItem(node) })));
}

/** The rows under "Build nodes": local first, then every node. */
async function nodeRows(api: MultiArchApi): Promise<Row[]> {
  const section = (await rows(api)).find((r) => r.item.label === 'Build nodes');
  assert.ok(section, 'the Builders view has a "Build nodes" section');
  return rows(api, section.node);
}

/** Waits until the node's row satisfies `ready` (the view redraws as config, settings and probes change). */
async function nodeRow(
  api: MultiArchApi,
  name: string,
  ready: (item: vscode.TreeItem) => boolean,
  what: string,
): Promise<Row> {
  const find = async () => (await nodeRows(api)).find((r) => r.item.label === name && ready(r.item));
  const now = await find();
  if (now) return now;
  let found: Row | undefined;
  await waitForEvent(api.builders.onDidChangeTreeData!, async () => (found = await find()) !== undefined, 20_000, what);
  return found!;
}

const repo = join(__dirname, '..', '..');

/** A Variants leaf and its item, or undefined while the tree does not show it. */
async function platformRow(variant: string, platform: string): Promise<Row | undefined> {
  const api = await activateApi();
  for (const v of (await api.variants.getChildren()) ?? []) {
    if ((await api.variants.getTreeItem(v)).label !== variant) continue;
    for (const node of (await api.variants.getChildren(v)) ?? []) {
      const item = await api.variants.getTreeItem(node);
      if (item.label === platform) return { node, item };
    }
  }
  return undefined;
}

const setNodes = (value: unknown) =>
  vscode.workspace.getConfiguration('multiarch').update('nodes', value, vscode.ConfigurationTarget.Global);

/** Answers the Add Build Node steps as a user would, trying a wrong value first wherever there is a check. */
class ScriptedAnswers implements Prompter {
  readonly seen: string[] = [];
  readonly refused: string[] = [];
  private backedOnce = false;

  constructor(
    private readonly answers: { name: string; engine: string; endpoint: string; platforms: string[]; where: RegExp },
  ) {}

  input(step: InputStep): Promise<Answer<string>> {
    this.seen.push(`${step.step}/${step.totalSteps} input`);
    const [wrong, right] =
      step.step === 1 ? ['local', this.answers.name] : ['http://arm-box:2376', this.answers.endpoint];
    const problem = step.validate(wrong);
    if (problem) this.refused.push(problem);
    assert.equal(step.validate(right), undefined, `"${right}" is accepted at step ${step.step}`);
    // Once, go back from the endpoint to the engine: the flow must ask for the engine again.
    if (step.step === 3 && !this.backedOnce) {
      this.backedOnce = true;
      return Promise.resolve(back);
    }
    return Promise.resolve(right);
  }

  pickOne<T>(step: PickStep<T>): Promise<Answer<T>> {
    this.seen.push(`${step.step}/${step.totalSteps} pick`);
    const want = step.step === 2 ? (l: string) => l === this.answers.engine : (l: string) => this.answers.where.test(l);
    const item = step.items.find((i) => want(i.label));
    assert.ok(item, `step ${step.step} offers ${step.items.map((i) => i.label).join(', ')}`);
    return Promise.resolve(item.value);
  }

  pickMany<T>(step: PickStep<T>): Promise<Answer<T[]>> {
    this.seen.push(`${step.step}/${step.totalSteps} pickMany`);
    return Promise.resolve(step.items.filter((i) => this.answers.platforms.includes(i.label)).map((i) => i.value));
  }
}

describe('Build nodes in the Builders view', function () {
  // A probe answers within 2 s; podman's first call on a loaded machine is the slow part.
  this.timeout(90_000);
  let api: MultiArchApi;
  let original: string;
  const node2 = process.env.MULTIARCH_NODE2_PODMAN;
  const configUri = () => vscode.Uri.joinPath(workspaceRoot(), 'multiarch.yaml');

  before(async function () {
    if (!node2)
      throw new Error(
        'MULTIARCH_NODE2_PODMAN is not set: run scripts/setup/20-engines.sh (it starts the second podman node).',
      );
    api = await activateApi();
    original = await readText(configUri());
  });

  after(async () => {
    if (!api) return;
    await setNodes(undefined);
    await writeText(configUri(), original);
    for (const leftover of ['node-fixture', '.multiarch']) {
      await vscode.workspace.fs
        .delete(vscode.Uri.joinPath(workspaceRoot(), leftover), { recursive: true, useTrash: false })
        .then(undefined, () => undefined);
    }
    await api.reload();
  });

  it('shows local and each node of the multiarch.nodes setting, "checking…" until the node answers', async () => {
    await setNodes([{ name: 'node2', engine: 'podman', endpoint: node2, platforms: ['linux/arm64'] }]);
    await nodeRow(api, 'node2', (i) => /· setting$/.test(String(i.description)), 'node2 from the setting');
    // The view gives a node 2 s; on a machine this loaded a cold first answer can miss that, so either answer counts here.
    const answered = await nodeRow(api, 'node2', (i) => !/^checking…/.test(String(i.description)), 'node2 to answer');
    assert.match(String(answered.item.description), /^(podman \d+\.\d+\.\d+|unreachable) · setting$/);
    assert.equal(answered.item.contextValue, 'multiarch:buildNode:setting');
    assert.equal((await nodeRows(api))[0]!.item.label, 'local');
  });

  it('Test Connection asks the real second podman node, and the view shows its answer', async () => {
    const row = await nodeRow(api, 'node2', () => true, 'node2');
    const probe = await vscode.commands.executeCommand<NodeProbe>('multiarch.nodes.test', row.node);
    assert.equal(probe.reachable, true, probe.error);
    assert.match(probe.engineVersion ?? '', /^\d+\.\d+\.\d+/);
    assert.deepEqual(probe.nativePlatforms, ['linux/amd64']);
    const shown = await nodeRow(
      api,
      'node2',
      (i) => String(i.description) === `podman ${probe.engineVersion} · setting`,
      'node2 with its version',
    );
    // The node builds amd64 natively: the view says its configured arm64 is not native there.
    const platforms = Object.fromEntries(
      (await rows(api, shown.node)).map((r) => [String(r.item.label), String(r.item.description)]),
    );
    assert.equal(platforms['linux/amd64'], 'native (not configured)');
    assert.match(platforms['linux/arm64']!, /^configured, but (emulated|not) native on the node$/);
  });

  it('Test Connection to a port nobody listens on fails within 2 s, saying what to do', async () => {
    await setNodes([
      { name: 'node2', engine: 'podman', endpoint: node2, platforms: ['linux/arm64'] },
      { name: 'down', engine: 'podman', endpoint: 'tcp://127.0.0.3:1', platforms: ['linux/arm64'] },
    ]);
    const row = await nodeRow(api, 'down', () => true, 'the node "down"');
    // The brief's bound: a probe gives up after 2 s; 0.5 s more for the command around it.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const probe = await Promise.race([
      vscode.commands.executeCommand<NodeProbe>('multiarch.nodes.test', row.node),
      new Promise<never>(
        (_, reject) => (timer = setTimeout(() => reject(new Error('Test Connection took more than 2.5 s')), 2500)),
      ),
    ]).finally(() => clearTimeout(timer));
    assert.equal(probe.reachable, false);
    assert.match(probe.error ?? '', /^node down \(tcp:\/\/127\.0\.0\.3:1\) did not answer/);
    assert.match(probe.error ?? '', /remove the node from the machine-level nodes/);
    await nodeRow(
      api,
      'down',
      (i) => String(i.description) === 'unreachable · setting',
      '"down" to show as unreachable',
    );
  });

  it('Remove Build Node takes a setting node out of the setting only', async () => {
    const row = await nodeRow(api, 'down', () => true, 'the node "down"');
    assert.equal(await vscode.commands.executeCommand('multiarch.nodes.remove', row.node), true);
    const left = vscode.workspace.getConfiguration('multiarch').get<{ name: string }[]>('nodes');
    assert.deepEqual(
      left?.map((n) => n.name),
      ['node2'],
    );
    assert.equal(await readText(configUri()), original);
  });

  it('Add Build Node walks name → engine → endpoint → platforms → where, and writes only the new lines of multiarch.yaml', async () => {
    const answers = new ScriptedAnswers({
      name: 'arm-box',
      engine: 'podman',
      endpoint: node2!,
      platforms: ['linux/arm64'],
      where: /multiarch\.yaml$/,
    });
    const added = await vscode.commands.executeCommand('multiarch.nodes.add', { prompter: answers });
    assert.deepEqual(added, { name: 'arm-box', engine: 'podman', endpoint: node2, platforms: ['linux/arm64'] });
    assert.deepEqual(answers.seen, [
      '1/5 input',
      '2/5 pick',
      '3/5 input',
      '2/5 pick',
      '3/5 input',
      '4/5 pickMany',
      '5/5 pick',
    ]);
    assert.match(answers.refused[0]!, /"local" is this machine/);
    assert.match(answers.refused[1]!, /over tcp:\/\/, ssh:\/\/ or unix:\/\/, not http:\/\//);

    const text = await readText(configUri());
    assert.ok(text.startsWith(original), 'everything that was in multiarch.yaml is still there, byte for byte');
    assert.equal(
      text.slice(original.length),
      `nodes:\n  - name: arm-box\n    engine: podman\n    endpoint: ${node2}\n    platforms: [linux/arm64]\n`,
    );
    await nodeRow(
      api,
      'arm-box',
      (i) => /· multiarch\.yaml$/.test(String(i.description)),
      'arm-box from multiarch.yaml',
    );
  });

  it('Remove Build Node takes a node out of multiarch.yaml and leaves every other byte as it was', async () => {
    // A node the user wrote by hand, with comments, stays exactly as written.
    const withTwo = (await readText(configUri())).replace(
      'nodes:\n',
      `nodes:\n  # the team's other machine\n  - name: pi   # on the shelf\n    engine: docker\n    endpoint: tcp://127.0.0.4:2376\n    platforms:\n      - linux/arm/v7\n`,
    );
    const reloaded = nodeRow(api, 'pi', () => true, 'pi from multiarch.yaml');
    await writeText(configUri(), withTwo);
    await reloaded;
    const row = await nodeRow(api, 'arm-box', () => true, 'arm-box');
    assert.equal(await vscode.commands.executeCommand('multiarch.nodes.remove', row.node), true);
    const expected = withTwo.replace(
      `  - name: arm-box\n    engine: podman\n    endpoint: ${node2}\n    platforms: [linux/arm64]\n`,
      '',
    );
    assert.notEqual(expected, withTwo);
    assert.equal(await readText(configUri()), expected);
    const names = (await nodeRows(api)).map((r) => String(r.item.label));
    assert.ok(!names.includes('arm-box') && names.includes('pi'), names.join(', '));
  });

  it('Build This Platform on a cell node2 takes builds it there: Show Build Plan and the leaf say "on node2"', async function () {
    const rootfs = process.env.MULTIARCH_ROOTFS_DIR;
    if (!rootfs) throw new Error('MULTIARCH_ROOTFS_DIR is not set: scripts/setup/20-engines.sh did not run');
    const tag = `nodeit${Date.now().toString(36)}`;
    const dir = join(workspaceRoot().fsPath, 'node-fixture');
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, 'Dockerfile'),
      await readFile(join(repo, 'test/fixtures/multiarch-app/Dockerfile'), 'utf8'),
    );
    for (const arch of ['amd64', 'arm64'])
      await cp(join(rootfs, arch), join(dir, `rootfs-${arch}`), { recursive: true, verbatimSymlinks: true });
    const yaml = [
      'image: multiarch-nodeit',
      `tag: ${tag}`,
      'dockerfile: node-fixture/Dockerfile',
      'context: node-fixture',
      'variantArg: QUEUE_BACKEND',
      'platforms: [linux/amd64, linux/arm64]',
      'variants:',
      '  edge: {}',
      'nodes:',
      `  - { name: node2, engine: podman, endpoint: "${node2}", platforms: [linux/arm64] }`,
      '',
    ].join('\n');
    const listed = waitForEvent(
      api.variants.onDidChangeTreeData!,
      async () => (await platformRow('edge', 'linux/arm64')) !== undefined,
      20_000,
      'the edge variant',
    );
    await writeText(configUri(), yaml);
    await listed;

    await vscode.commands.executeCommand('multiarch.plan.show');
    const doc = vscode.window.activeTextEditor!.document;
    // A plan document already open (an earlier Show Build Plan) gets its new text through the provider's change event.
    if (!doc.getText().includes('# edge')) {
      await waitForEvent(
        vscode.workspace.onDidChangeTextDocument,
        (e) => e.document === doc && doc.getText().includes('# edge'),
        15_000,
        'the plan of the edge config',
      );
    }
    const plan = doc.getText();
    assert.match(plan, /^# edge → linux\/arm64 .* on node node2$/m);
    assert.match(plan, /^# edge → linux\/amd64 .* on local$/m);
    assert.ok(plan.includes(`--url ${node2}`), plan);

    try {
      const execution = await vscode.commands.executeCommand<vscode.TaskExecution>(
        'multiarch.build.platform',
        (await platformRow('edge', 'linux/arm64'))!.node,
      );
      assert.equal(await endOf(execution), 0);
      const item = (await platformRow('edge', 'linux/arm64'))!.item;
      assert.match(String(item.description), /^succeeded · .* · on node2$/, String(item.tooltip));
      assert.match(String(item.tooltip), /on build node node2/);
      const [record] = await ResultsStore.forRoot(workspaceRoot().fsPath).history({
        variant: 'edge',
        platform: 'linux/arm64',
      });
      assert.equal(record?.node, 'node2');
    } finally {
      // Only what this test built, on both machines (other engineers share these stores). The names it builds
      // are removed by name as well: `podman images` fails outright while any list in the store is broken.
      const built = ['edge', 'edge-amd64', 'edge-arm64'].map((s) => `localhost/multiarch-nodeit:${tag}-${s}`);
      for (const url of [node2!, undefined]) {
        const podman = [process.env.MULTIARCH_PODMAN ?? 'podman', ...(url ? ['--url', url] : [])];
        const listed = await runTool(
          [...podman, 'images', '--format', '{{.Repository}}:{{.Tag}}', 'multiarch-nodeit'],
          { timeoutMs: 30_000 },
        );
        const mine = listed.stdout.split('\n').filter((r) => r.includes(`:${tag}`));
        await runTool([...podman, 'rmi', '-f', '--ignore', ...new Set([...mine, ...built])], { timeoutMs: 60_000 });
      }
    }
  });
});
