import * as assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../src/core/config/loadConfig';
import {
  loadMachineNodes,
  machineNodesFile,
  machineNodesFrom,
  parseMachineNodes,
} from '../../../src/core/config/machineNodes';
import type { ConfigProblem } from '../../../src/core/config/types';
import type { BuildNode } from '../../../src/core/nodes/types';

const file = '/proj/multiarch.yaml';

function problems(text: string): ConfigProblem[] {
  const r = parseConfig(text, file);
  assert.equal(r.ok, false, 'expected the config to be rejected');
  return r.ok ? [] : r.problems;
}

const withNodes = (nodes: string) => `image: app\nplatforms: [linux/amd64, linux/arm64]\nnodes:\n${nodes}`;

describe('config: nodes', () => {
  it('resolves every endpoint form, in order, marked as coming from the config', () => {
    const r = parseConfig(
      withNodes(`  - { name: arm-box, engine: podman, endpoint: "ssh://builder@arm-box/run/podman/podman.sock", platforms: [linux/arm64] }
  - { name: pi, engine: docker, endpoint: "ssh://pi@10.0.0.7:2222", platforms: [linux/arm/v7] }
  - { name: tcp1, engine: podman, endpoint: "tcp://127.0.0.2:10888", platforms: [linux/amd64] }
  - { name: sock, engine: docker, endpoint: "unix:///run/multiarch-node2/docker.sock", platforms: [linux/amd64] }
  - { name: conn, engine: podman, endpoint: graviton-1, platforms: [linux/arm64] }
`),
      file,
    );
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.config.nodes[0], {
      name: 'arm-box',
      engine: 'podman',
      endpoint: 'ssh://builder@arm-box/run/podman/podman.sock',
      platforms: ['linux/arm64'],
      source: 'config',
    });
    assert.deepEqual(
      r.config.nodes.map((n) => n.name),
      ['arm-box', 'pi', 'tcp1', 'sock', 'conn'],
    );
    assert.equal(r.config.warnings, undefined);
  });

  it('a config without nodes has none', () => {
    const r = parseConfig('image: app\n', file);
    assert.ok(r.ok);
    assert.deepEqual(r.config.nodes, []);
  });

  it('reserves "local" at the name', () => {
    const p = problems(
      withNodes('  - { name: local, engine: podman, endpoint: "tcp://h:1", platforms: [linux/arm64] }\n'),
    );
    assert.equal(p.length, 1, JSON.stringify(p));
    assert.match(p[0]!.message, /"local" is reserved for this machine; give the node another name/);
    assert.deepEqual([p[0]!.line, p[0]!.path], [4, '/nodes/0/name']);
  });

  it('rejects a second node of the same name at the second one', () => {
    const p = problems(
      withNodes(`  - { name: arm, engine: podman, endpoint: "tcp://a:1", platforms: [linux/arm64] }
  - { name: arm, engine: docker, endpoint: "tcp://b:1", platforms: [linux/arm64] }
`),
    );
    assert.equal(p.length, 1, JSON.stringify(p));
    assert.match(p[0]!.message, /node name "arm" is used twice \(items 0 and 1\)/);
    assert.deepEqual([p[0]!.line, p[0]!.path], [5, '/nodes/1/name']);
  });

  it('says what is wrong with the engine, the endpoint, the name and the platforms, each where it is', () => {
    const p = problems(
      withNodes(`  - name: "bad name"
    engine: buildx
    endpoint: "http://arm-box"
    platforms: [linux/arm46]
  - { name: ok }
`),
    );
    const by = Object.fromEntries(p.map((x) => [x.path, x]));
    assert.match(by['/nodes/0/name']!.message, /node name "bad name" is not allowed/);
    assert.match(by['/nodes/0/engine']!.message, /must be one of: podman, docker/);
    assert.equal(by['/nodes/0/engine']!.line, 5);
    assert.match(
      by['/nodes/0/endpoint']!.message,
      /"http:\/\/arm-box" is not an endpoint; use tcp:\/\/host:port, ssh:\/\//,
    );
    assert.match(by['/nodes/0/platforms/0']!.message, /"linux\/arm46" is not a platform.*did you mean linux\/arm64/);
    assert.equal(by['/nodes/0/platforms/0']!.line, 7);
    const missing = p.filter((x) => x.path === '/nodes/1').map((x) => x.message);
    assert.deepEqual(
      missing.map((m) => /needs "(\w+)"/.exec(m)?.[1]),
      ['engine', 'endpoint', 'platforms'],
    );
    assert.match(missing[0]!, /; a node looks like \{name: arm-box, engine: podman/);
  });

  it("adds machine-level nodes after the file's; the file wins a shared name, with a warning", () => {
    const machine: BuildNode[] = [
      {
        name: 'arm-box',
        engine: 'docker',
        endpoint: 'tcp://other:2375',
        platforms: ['linux/arm64'],
        source: 'setting',
      },
      { name: 'riscv', engine: 'podman', endpoint: 'tcp://rv:1', platforms: ['linux/riscv64'], source: 'setting' },
    ];
    const r = parseConfig(
      withNodes('  - { name: arm-box, engine: podman, endpoint: "tcp://arm:1", platforms: [linux/arm64] }\n'),
      file,
      {
        machineNodes: machine,
        machineNodesOrigin: 'the multiarch.nodes setting',
      },
    );
    assert.ok(r.ok);
    assert.deepEqual(
      r.config.nodes.map((n) => [n.name, n.endpoint, n.source]),
      [
        ['arm-box', 'tcp://arm:1', 'config'],
        ['riscv', 'tcp://rv:1', 'setting'],
      ],
    );
    assert.deepEqual(r.config.warnings, [
      `node "arm-box" from the multiarch.nodes setting is also defined in the project's config; using the project's (rename one of them to use both)`,
    ]);
  });
});

describe('machine-level nodes', () => {
  it('lives in $XDG_CONFIG_HOME/multiarch/nodes.yaml, else ~/.config', () => {
    assert.equal(machineNodesFile({ XDG_CONFIG_HOME: '/x' }), '/x/multiarch/nodes.yaml');
    assert.equal(machineNodesFile({ HOME: '/home/u' }), '/home/u/.config/multiarch/nodes.yaml');
  });

  it('reads the same list shape as nodes:, as machine-level nodes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nodes-'));
    const f = join(dir, 'nodes.yaml');
    await writeFile(
      f,
      '- name: arm-box\n  engine: podman\n  endpoint: ssh://builder@arm-box/run/podman/podman.sock\n  platforms: [linux/arm64]\n',
    );
    const r = await loadMachineNodes(f);
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(
      r.nodes.map((n) => [n.name, n.source]),
      [['arm-box', 'setting']],
    );
    assert.deepEqual(await loadMachineNodes(join(dir, 'missing.yaml')), { ok: true, nodes: [] });
  });

  it('locates a problem in the file with paths inside the list', () => {
    const r = parseMachineNodes(
      '- name: a\n  engine: podman\n  endpoint: tcp://a:1\n  platforms: [linux/arm64]\n- name: a\n  engine: lxc\n  endpoint: tcp://b:1\n  platforms: [linux/arm64]\n',
      '/home/u/.config/multiarch/nodes.yaml',
    );
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual(
      r.problems.map((p) => [p.line, p.path, p.message]),
      [[6, '/1/engine', '"1.engine" must be one of: podman, docker']],
    );
    const dup = parseMachineNodes(
      '- { name: a, engine: podman, endpoint: c1, platforms: [linux/arm64] }\n- { name: a, engine: podman, endpoint: c2, platforms: [linux/arm64] }\n',
      'n.yaml',
    );
    assert.equal(dup.ok, false);
    if (!dup.ok)
      assert.deepEqual(
        dup.problems.map((p) => [p.line, p.path]),
        [[2, '/1/name']],
      );
  });

  it('checks a setting value that is not a list', () => {
    const r = machineNodesFrom({ name: 'a' }, 'the multiarch.nodes setting');
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.problems[0]!.message, /the node list must be a list, not a mapping/);
    assert.deepEqual(machineNodesFrom(undefined, 's'), { ok: true, nodes: [] });
  });
});
