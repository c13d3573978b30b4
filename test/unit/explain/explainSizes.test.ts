import * as assert from 'node:assert/strict';
import type { ImageFs } from '../../../src/core/layers/imageArchive';
import type { LayerEntry } from '../../../src/core/layers/layerEntries';
import { compareImages, genericInstruction } from '../../../src/core/explain/explainSizes';
import { comparisonText } from '../../../src/core/explain/explainText';

const file = (path: string, size: number): LayerEntry => ({ path, type: 'file', size });

function image(platform: string, arch: string, extra: LayerEntry[] = []): ImageFs {
  return {
    platform,
    layers: [
      {
        id: 'a',
        createdBy: `COPY rootfs-${arch}/ / # buildkit`,
        entries: [file('/bin/busybox', arch === 'arm64' ? 1_800_000 : 2_000_000)],
      },
      {
        id: 'b',
        createdBy:
          '/bin/sh -c #(nop) COPY dir:3f2a9c0d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f in /opt/ ',
        entries: [file('/opt/README', 10), ...extra],
      },
      {
        id: 'c',
        createdBy: 'RUN make',
        entries: [file('/usr/local/bin/app', 500), file('/usr/local/bin/helper', 500)],
      },
      {
        id: 'd',
        createdBy: 'RUN make',
        entries: [{ path: '/usr/local/bin/helper', type: 'other', size: 0, whiteout: 'file' }],
      },
    ],
  };
}

describe('comparing architectures', () => {
  it('names an instruction the same way for every architecture', () => {
    assert.equal(genericInstruction('COPY rootfs-arm64/ / # buildkit'), 'COPY rootfs-{arch}/ / # buildkit');
    assert.equal(
      genericInstruction('RUN curl -o t https://x/tool-linux-x86_64.tgz'),
      'RUN curl -o t https://x/tool-linux-{arch}.tgz',
    );
    assert.equal(
      genericInstruction(
        '/bin/sh -c #(nop) COPY dir:3f2a9c0d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f in /  ',
      ),
      'COPY dir:… in /',
    );
  });

  it('puts the largest difference first, for layers and for top- and second-level directories', () => {
    const c = compareImages('minimal', [
      image('linux/amd64', 'amd64'),
      image('linux/arm64', 'arm64', [file('/opt/big', 1_000_000)]),
    ]);
    assert.deepEqual(c.platforms, ['linux/amd64', 'linux/arm64']);
    assert.deepEqual(
      c.dirs.slice(0, 4).map((d) => [d.path, d.sizes['linux/amd64'], d.sizes['linux/arm64']]),
      [
        ['/opt', 10, 1_000_010],
        ['/opt/big', 0, 1_000_000],
        ['/bin', 2_000_000, 1_800_000],
        ['/bin/busybox', 2_000_000, 1_800_000],
      ],
    );
    // the whiteout in the last layer removed helper from the unpacked image
    assert.deepEqual(c.dirs.find((d) => d.path === '/usr/local')!.sizes, { 'linux/amd64': 500, 'linux/arm64': 500 });
    assert.deepEqual(
      c.layers.map((l) => [l.createdBy, l.sizes['linux/arm64']! - l.sizes['linux/amd64']!]),
      [
        ['COPY dir:… in /opt/', 1_000_000],
        ['COPY rootfs-{arch}/ / # buildkit', -200_000],
        ['RUN make', 0],
        ['RUN make', 0],
      ],
    );
  });

  it('a layer or directory only one platform has counts 0 for the others; unreadable platforms are listed', () => {
    const amd = image('linux/amd64', 'amd64');
    const arm = image('linux/arm64', 'arm64');
    arm.layers.push({
      id: 'e',
      createdBy: 'RUN apt-get install qemu-user-static',
      entries: [file('/usr/bin/qemu', 5_000_000)],
    });
    const c = compareImages('redis', [amd, arm], [{ platform: 'linux/s390x', error: 'no linux/s390x image' }]);
    assert.deepEqual(c.layers[0], {
      createdBy: 'RUN apt-get install qemu-user-static',
      sizes: { 'linux/arm64': 5_000_000, 'linux/amd64': 0 },
    });
    assert.deepEqual(c.dirs[0], { path: '/usr', sizes: { 'linux/arm64': 5_000_500, 'linux/amd64': 500 } });
    assert.deepEqual(c.errors, [{ platform: 'linux/s390x', error: 'no linux/s390x image' }]);
    const text = comparisonText([c]);
    assert.match(text, /^redis: amd64 vs arm64$/m);
    assert.match(text, /^ {2}linux\/s390x: no linux\/s390x image$/m);
    assert.match(text, /^ {2}\/usr {2,}500 B {2,}5\.00 MB {2,}\+5\.00 MB$/m);
  });
});
