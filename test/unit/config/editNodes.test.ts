import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  addNodeEdit,
  applyTextEdit,
  ConfigEditError,
  removeNodeEdit,
  type NodeEntry,
} from '../../../src/core/config/editNodes';

const armBox: NodeEntry = {
  name: 'arm-box',
  engine: 'podman',
  endpoint: 'ssh://builder@arm-box/run/podman/podman.sock',
  platforms: ['linux/arm64'],
};
const pi: NodeEntry = {
  name: 'pi',
  engine: 'docker',
  endpoint: 'tcp://10.0.0.7:2376',
  platforms: ['linux/arm64', 'linux/arm/v7'],
};
const example = readFileSync(join(__dirname, '../../../examples/queue-service/multiarch.yaml'), 'utf8');

const add = (text: string, node: NodeEntry) => applyTextEdit(text, addNodeEdit(text, node));
const remove = (text: string, name: string) => applyTextEdit(text, removeNodeEdit(text, name));
const nodesOf = (text: string) => (parse(text) as { nodes?: NodeEntry[] }).nodes;

describe('editing nodes: in multiarch.yaml', () => {
  it('adds the first node at the end, leaving every byte before it as it was', () => {
    const out = add(example, armBox);
    assert.ok(out.startsWith(example));
    assert.equal(
      out.slice(example.length),
      'nodes:\n  - name: arm-box\n    engine: podman\n    endpoint: ssh://builder@arm-box/run/podman/podman.sock\n    platforms: [linux/arm64]\n',
    );
    assert.deepEqual(nodesOf(out), [armBox]);
  });

  it("adds after the last node with the list's own indentation, before a trailing comment", () => {
    const text =
      'image: x\nnodes:\n    -   name: a\n        engine: podman\n        endpoint: tcp://127.0.0.2:1\n        platforms: [linux/arm64]\n    # more later\nvariants: {a: {}}\n';
    const out = add(text, pi);
    assert.equal(
      out,
      'image: x\nnodes:\n    -   name: a\n        engine: podman\n        endpoint: tcp://127.0.0.2:1\n        platforms: [linux/arm64]\n' +
        '    -   name: pi\n        engine: docker\n        endpoint: tcp://10.0.0.7:2376\n        platforms: [linux/arm64, linux/arm/v7]\n' +
        '    # more later\nvariants: {a: {}}\n',
    );
    assert.deepEqual(
      nodesOf(out)?.map((n) => n.name),
      ['a', 'pi'],
    );
  });

  it('replaces an empty or flow `nodes:` with a block list', () => {
    assert.deepEqual(nodesOf(add('image: x\nnodes: []\nvariants: {a: {}}\n', armBox)), [armBox]);
    assert.deepEqual(nodesOf(add('image: x\nnodes:\nvariants: {a: {}}\n', armBox)), [armBox]);
    const flow = add(
      'nodes: [{name: pi, engine: docker, endpoint: "tcp://10.0.0.7:2376", platforms: [linux/arm64, linux/arm/v7]}]\n',
      armBox,
    );
    assert.deepEqual(nodesOf(flow), [pi, armBox]);
  });

  it('quotes what YAML would misread and keeps CRLF files CRLF', () => {
    const odd = { ...armBox, name: 'yes', endpoint: 'tcp://h:1 #x' };
    assert.deepEqual(nodesOf(add('image: x\r\n', odd)), [odd]);
    assert.doesNotMatch(add('image: x\r\n', odd).replace(/\r\n/g, ''), /\n/);
  });

  it('refuses a duplicate name and a file it cannot edit safely, saying what to do', () => {
    const once = add(example, armBox);
    assert.throws(
      () => addNodeEdit(once, armBox),
      (e: Error) => e instanceof ConfigEditError && /already has a node named "arm-box"/.test(e.message),
    );
    assert.throws(() => addNodeEdit('image: [x\n', armBox), /syntax error .*fix it/);
    assert.throws(() => addNodeEdit('{image: x}\n', armBox), /by hand/);
  });

  it('removing the node just added gives back the file byte for byte', () => {
    assert.equal(remove(add(example, armBox), 'arm-box'), example);
    const two = add(add(example, armBox), pi);
    assert.equal(remove(remove(two, 'pi'), 'arm-box'), example);
    assert.equal(remove(two, 'pi'), add(example, armBox));
  });

  it('removes one node with its comment lines and nothing else', () => {
    const text = [
      '# build machines',
      'image: x',
      'nodes:',
      '  # the Graviton',
      '  - name: a   # first',
      '    engine: podman',
      '    endpoint: tcp://127.0.0.2:1',
      '    platforms: [linux/arm64]',
      '  # the Pi',
      '  - name: b',
      '    engine: docker',
      '    endpoint: ctx',
      '    platforms:',
      '      - linux/arm/v7',
      '  # trailing comment',
      '',
      'variants:',
      '  a: {}',
      '',
    ].join('\n');
    assert.equal(
      remove(text, 'a'),
      text.replace(
        '  # the Graviton\n  - name: a   # first\n    engine: podman\n    endpoint: tcp://127.0.0.2:1\n    platforms: [linux/arm64]\n',
        '',
      ),
    );
    assert.equal(
      remove(text, 'b'),
      text.replace(
        '  # the Pi\n  - name: b\n    engine: docker\n    endpoint: ctx\n    platforms:\n      - linux/arm/v7\n',
        '',
      ),
    );
    assert.equal(
      remove(remove(text, 'a'), 'b'),
      '# build machines\nimage: x\n  # trailing comment\n\nvariants:\n  a: {}\n',
    );
  });

  it('says so when the node is not there', () => {
    assert.throws(() => removeNodeEdit(example, 'arm-box'), /no node named "arm-box"/);
  });
});
