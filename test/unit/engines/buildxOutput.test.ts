import { strict as assert } from 'node:assert';
import {
  builderPlatformSupport,
  describeBuilder,
  nodeForPlatform,
  nodePlatformSupport,
  parseBuildxInspect,
  parseBuildxLs,
  parseBuildxVersion,
} from '../../../src/core/engines/buildxOutput';
import { fixture } from './fixture';

describe('buildx output (examples from the buildx CLI reference)', () => {
  it('parses docker buildx version', () => {
    assert.deepEqual(parseBuildxVersion(fixture('buildx-version.txt')), {
      version: '0.11.2',
      revision: '9872040b6626fb7d87ef7296fd5b832e8cc2ad17',
    });
  });

  it('does not take a missing-plugin error for a version', () => {
    assert.equal(parseBuildxVersion(fixture('docker-buildx-missing.txt')), undefined);
    assert.equal(parseBuildxVersion(fixture('docker28-buildx-missing.txt')), undefined);
  });

  for (const [file, buildkit] of [
    ['buildx-ls.txt', true],
    ['buildx-ls-legacy.txt', false],
  ] as const) {
    it(`parses docker buildx ls (${file})`, () => {
      const builders = parseBuildxLs(fixture(file));
      assert.deepEqual(
        builders.map((b) => [b.name, b.driver, b.current, b.nodes.length]),
        [
          ['elated_tesla', 'docker-container', true, 2],
          ['default', 'docker', false, 1],
        ],
      );
      const node1 = builders[0]!.nodes[1]!;
      assert.equal(node1.name, 'elated_tesla1');
      assert.equal(node1.endpoint, 'ssh://ubuntu@1.2.3.4');
      assert.equal(node1.status, 'running');
      assert.equal(node1.buildkit, buildkit ? 'v0.10.3' : undefined);
      assert.deepEqual(
        node1.platforms.map((p) => p.platform),
        ['linux/arm64', 'linux/arm/v7', 'linux/arm/v6'],
      );
      assert.equal(node1.platforms[0]!.pinned, buildkit);
    });
  }

  it('parses docker buildx ls --format json (buildx-ls-json.txt): builders, nodes, BuildKit versions, the current one', () => {
    const builders = parseBuildxLs(fixture('buildx-ls-json.txt'));
    assert.deepEqual(
      builders.map((b) => [b.name, b.driver, b.current, b.nodes.length]),
      [
        ['elated_tesla', 'docker-container', true, 2],
        ['default', 'docker', false, 1],
      ],
    );
    assert.deepEqual(builders[0]!.nodes[1], {
      name: 'elated_tesla1',
      endpoint: 'ssh://ubuntu@1.2.3.4',
      status: 'running',
      buildkit: 'v0.10.3',
      platforms: [
        { platform: 'linux/arm64', pinned: false },
        { platform: 'linux/arm/v7', pinned: false },
        { platform: 'linux/arm/v6', pinned: false },
      ],
    });
    // The same builders as the tree table of the reference.
    const table = parseBuildxLs(fixture('buildx-ls.txt'));
    assert.deepEqual(
      builders.map((b) => b.nodes.map((n) => [n.name, n.endpoint, n.buildkit, n.platforms.map((p) => p.platform)])),
      table.map((b) => b.nodes.map((n) => [n.name, n.endpoint, n.buildkit, n.platforms.map((p) => p.platform)])),
    );
  });

  it('parses the published ls --format json of buildx before 0.24 (no Current, a stopped node without platforms), an array, and a builder printed twice once', () => {
    const [b] = parseBuildxLs(fixture('buildx-ls-json-published.txt'));
    assert.deepEqual(
      [b!.name, b!.driver, b!.current, b!.nodes.map((n) => [n.name, n.status, n.buildkit, n.platforms.length])],
      [
        'builder',
        'docker-container',
        false,
        [
          ['builder0', 'running', '7615120', 12],
          ['mac-mini-m1', 'stopped', undefined, 0],
        ],
      ],
    );
    const line = fixture('buildx-ls-json.txt').trim().split('\n')[0]!;
    assert.equal(parseBuildxLs(`${line}\n${line}\n`).length, 1);
    assert.equal(parseBuildxLs(`[${line}]`)[0]!.name, 'elated_tesla');
    const pretty = JSON.stringify(JSON.parse(line), null, 3);
    assert.equal(parseBuildxLs(pretty)[0]!.nodes.length, 2);
  });

  it('marks native and emulated platforms per node and across the builder', () => {
    const [tesla] = parseBuildxLs(fixture('buildx-ls-legacy.txt'));
    assert.deepEqual(nodePlatformSupport(tesla!.nodes[1]!), {
      'linux/arm64': 'native',
      'linux/arm/v7': 'emulated',
      'linux/arm/v6': 'emulated',
    });
    assert.deepEqual(builderPlatformSupport(tesla!), {
      'linux/amd64': 'native',
      'linux/arm64': 'native',
      'linux/arm/v7': 'emulated',
      'linux/arm/v6': 'emulated',
    });
  });

  it('parses docker buildx inspect, skipping labels and GC policy', () => {
    const b = parseBuildxInspect(fixture('buildx-inspect.txt'));
    assert.equal(b.name, 'elated_tesla');
    assert.equal(b.driver, 'docker-container');
    assert.equal(b.nodes.length, 1);
    const n = b.nodes[0]!;
    assert.deepEqual(
      [n.name, n.endpoint, n.status, n.buildkit],
      ['elated_tesla0', 'unix:///var/run/docker.sock', 'running', 'v0.10.6'],
    );
    assert.deepEqual(n.platforms, [
      { platform: 'linux/arm64', pinned: true },
      { platform: 'linux/arm/v7', pinned: false },
      { platform: 'linux/arm/v6', pinned: false },
    ]);
  });
});

describe('buildx output recorded from buildx v0.10.5 + BuildKit v0.11.6 (remote driver)', () => {
  it('parses the version', () => {
    assert.deepEqual(parseBuildxVersion(fixture('buildx-0.10-version.txt')), {
      version: '0.10.5',
      revision: '86bdced7766639d56baa4c7c449a4f6468490f87',
    });
  });

  it('parses the flat ls table with its BUILDKIT column: builder, driver, node, version, platforms', () => {
    const builders = parseBuildxLs(fixture('buildx-0.10-ls.txt'));
    assert.deepEqual(
      builders.map((b) => [b.name, b.driver, b.current, b.nodes.map((n) => [n.name, n.status, n.buildkit])]),
      [
        ['ma-dev', 'remote', true, [['ma-dev0', 'running', 'v0.11.6']]],
        ['default', 'docker', false, [['default', 'running', '20.10.24+dfsg1']]],
      ],
    );
    const node = builders[0]!.nodes[0]!;
    assert.equal(node.endpoint, 'unix:///work/tools/buildkitd.sock');
    assert.deepEqual(nodePlatformSupport(node), {
      'linux/amd64': 'native',
      'linux/amd64/v2': 'native',
      'linux/amd64/v3': 'native',
      'linux/amd64/v4': 'native',
      'linux/arm64': 'emulated',
    });
  });

  it('parses inspect and names the builder with its driver and BuildKit version', () => {
    const builder = parseBuildxInspect(fixture('buildx-0.10-inspect.txt'));
    assert.deepEqual(
      [builder.name, builder.driver, builder.nodes.map((n) => [n.name, n.buildkit, n.platforms.length])],
      ['ma-dev', 'remote', [['ma-dev0', 'v0.11.6', 5]]],
    );
    assert.equal(describeBuilder(builder), 'ma-dev (remote, BuildKit v0.11.6)');
    assert.equal(nodeForPlatform(builder, 'linux/arm64')?.name, 'ma-dev0');
  });

  it('a two-node builder: each platform goes to the node pinned to it, or else the first listing it', () => {
    const builder = parseBuildxInspect(fixture('buildx-0.10-inspect-two-nodes.txt'));
    assert.deepEqual(
      builder.nodes.map((n) => [n.name, n.platforms[0], n.buildkit]),
      [
        ['tn-amd64', { platform: 'linux/amd64', pinned: true }, 'v0.11.6'],
        ['tn-arm64', { platform: 'linux/arm64', pinned: true }, 'v0.11.6'],
      ],
    );
    assert.equal(nodeForPlatform(builder, 'linux/amd64', '0.10.5')?.name, 'tn-amd64');
    assert.equal(nodeForPlatform(builder, 'linux/arm64', '0.10.5')?.name, 'tn-arm64');
    // Unpinned, both list both platforms: buildx 0.10 asks the workers and takes the first node listing it.
    const unpinned = {
      ...builder,
      nodes: builder.nodes.map((n) => ({ ...n, platforms: n.platforms.map((p) => ({ ...p, pinned: false })) })),
    };
    assert.equal(nodeForPlatform(unpinned, 'linux/arm64', '0.10.5')?.name, 'tn-amd64');
    assert.equal(describeBuilder(builder), 'tn (remote, BuildKit v0.11.6)');
  });
});
