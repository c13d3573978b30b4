// The Builders view against a real docker buildx and BuildKit builder, found as the buildx engine suites
// find it: `$MULTIARCH_BUILDX_CONFIG` names a Docker config folder holding `cli-plugins/docker-buildx`
// (README.md, "Testing against a real docker buildx"). Without it the suite says why and is skipped.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MultiArchApi } from '../../src/extension';
import { parseBuildxInspect, type BuildxBuilder } from '../../src/core/engines/buildxOutput';
import { programsFromEnv } from '../../src/core/engines/detect';
import { runTool } from '../../src/core/engines/exec';
import { activateApi, waitForEvent } from './helpers/api';

interface Row {
  row: unknown;
  item: vscode.TreeItem;
}

async function rows(api: MultiArchApi, parent?: unknown): Promise<Row[]> {
  const children = (await api.builders.getChildren(parent)) ?? [];
  return Promise.all(children.map(async (row) => ({ row, item: await api.builders.getTreeItem(row) })));
}

describe('Builders view with a real docker buildx: the current builder, its nodes, driver, BuildKit versions and platforms', function () {
  this.timeout(120_000);
  let api: MultiArchApi;
  let expected: BuildxBuilder;
  const saved = { dockerConfig: process.env.DOCKER_CONFIG, set: false };

  before(async function () {
    const config = process.env.MULTIARCH_BUILDX_CONFIG;
    if (!config) {
      console.log(
        '      skipped: no buildx: MULTIARCH_BUILDX_CONFIG is not set (a Docker config folder with cli-plugins/docker-buildx; see "Testing against a real docker buildx" in README.md)',
      );
      this.skip();
    }
    const env = { ...process.env, DOCKER_CONFIG: config };
    const inspect = await runTool([programsFromEnv(env).docker, 'buildx', 'inspect', '--bootstrap'], {
      env,
      timeoutMs: 60_000,
    });
    if (!inspect.ok) {
      console.log(`      skipped: buildx in ${config} has no usable current builder: ${inspect.stderr.trim()}`);
      this.skip();
    }
    expected = parseBuildxInspect(inspect.stdout);
    api = await activateApi();
    // The extension reads the builders as the user's shell would: DOCKER_CONFIG of its own process.
    process.env.DOCKER_CONFIG = config;
    saved.set = true;
    const changed = waitForEvent(api.builders.onDidChangeTreeData!, () => true, 60_000, 'the Builders view');
    await vscode.workspace
      .getConfiguration('multiarch')
      .update('engine', 'buildx', vscode.ConfigurationTarget.Workspace);
    await changed;
  });

  after(async () => {
    if (!saved.set) return;
    if (saved.dockerConfig === undefined) delete process.env.DOCKER_CONFIG;
    else process.env.DOCKER_CONFIG = saved.dockerConfig;
    await vscode.workspace
      .getConfiguration('multiarch')
      .update('engine', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('lists the builder (driver, active), each node with its endpoint, status and BuildKit version, and each node’s platforms', async () => {
    const top = await rows(api);
    assert.match(String(top[0]!.item.label), /^Engine: buildx \d+\.\d+/);
    const builder = top.find((r) => r.item.label === expected.name);
    assert.ok(builder, `a row for ${expected.name} among ${top.map((r) => String(r.item.label)).join(', ')}`);
    assert.equal(builder.item.description, `${expected.driver} · active`);
    const nodes = await rows(api, builder.row);
    assert.deepEqual(
      nodes.map((n) => n.item.label),
      expected.nodes.map((n) => n.name),
    );
    for (const [i, node] of nodes.entries()) {
      const want = expected.nodes[i]!;
      assert.match(want.buildkit ?? '', /^v\d+\.\d+\.\d+/);
      assert.equal(node.item.description, `${want.endpoint} · ${want.status} · BuildKit ${want.buildkit}`);
      const platforms = await rows(api, node.row);
      assert.deepEqual(
        platforms.map((p) => String(p.item.label)),
        want.platforms.map((p) => p.platform),
      );
      // BuildKit lists its own platform first; what it runs under QEMU after it.
      assert.equal(platforms[0]!.item.description, 'native');
      const arm = platforms.find((p) => p.item.label === 'linux/arm64');
      assert.ok(arm, 'the builder lists linux/arm64');
    }
  });
});
