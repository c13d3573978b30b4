import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BuildkitPlainProgress } from '../../../src/core/insight/buildkitProgress';
import { BuildxProgress, RawJsonProgress } from '../../../src/core/insight/rawJsonProgress';
import { parseVertexName } from '../../../src/core/insight/vertexName';
import { cells, progressDir, replay } from './replay';

function body(name: string): string {
  const lines = readFileSync(join(progressDir, name), 'utf8').split('\n');
  return lines.slice(lines.indexOf('----') + 1).join('\n');
}

describe('BuildKit plain progress (recorded with Debian docker.io 20.10.24, test/fixtures/progress)', () => {
  it('reads steps, stages and BuildKit’s own durations; the heavy step is slower under QEMU', () => {
    const amd = replay(new BuildkitPlainProgress(cells('minimal', 'linux/amd64')), 'docker-cold-amd64.txt')[
      'minimal@linux/amd64'
    ]!;
    const arm = replay(new BuildkitPlainProgress(cells('minimal', 'linux/arm64')), 'docker-cold-arm64.txt', 5)[
      'minimal@linux/arm64'
    ]!;
    assert.deepEqual(
      amd.steps.map((s) => [s.stage, s.index, s.instruction.split(' ')[0], s.seconds, s.cached]),
      [
        ['base', 1, 'COPY', 0.1, false],
        ['deps', 1, 'RUN', 0.8, false],
        ['compile', 1, 'COPY', 0, false],
        ['compile', 2, 'RUN', 0.2, false],
        ['stage-3', 1, 'COPY', 0, false],
      ],
    );
    assert.equal(arm.steps.find((s) => s.stage === 'deps')!.seconds, 3.7);
    // Span: the first step's start (its DONE at 633 ms less its own 0.1 s) to the last step's DONE (1657 ms).
    assert.equal(amd.seconds, 1.12);
  });

  it('reports every step of an immediate rebuild as cached', () => {
    for (const arch of ['amd64', 'arm64']) {
      const t = replay(new BuildkitPlainProgress(cells('minimal', `linux/${arch}`)), `docker-cached-${arch}.txt`)[
        `minimal@linux/${arch}`
      ]!;
      assert.equal(t.steps.length, 5, arch);
      assert.ok(
        t.steps.every((s) => s.cached && s.seconds === 0),
        arch,
      );
    }
  });

  it('names cells from buildx platform and bake target prefixes', () => {
    const matrix = [...cells('minimal', 'linux/amd64', 'linux/arm64'), ...cells('redis', 'linux/amd64', 'linux/arm64')];
    assert.deepEqual(parseVertexName('[linux/arm64 deps 2/3] RUN make', matrix)?.cells, [
      { variant: 'minimal', platform: 'linux/arm64' },
      { variant: 'redis', platform: 'linux/arm64' },
    ]);
    const bake = parseVertexName('[redis linux/amd64 deps 2/3] RUN make', matrix)!;
    assert.deepEqual(
      [bake.cells, bake.stage, bake.index],
      [[{ variant: 'redis', platform: 'linux/amd64' }], 'deps', 2],
    );
    // A stage on the build platform cross-compiling for arm64 belongs to the arm64 cell.
    assert.deepEqual(
      parseVertexName('[linux/amd64->arm64 build 1/2] RUN go build', cells('v', 'linux/amd64', 'linux/arm64'))?.cells,
      [{ variant: 'v', platform: 'linux/arm64' }],
    );
    assert.equal(parseVertexName('[internal] load build context', matrix), undefined);
    assert.equal(parseVertexName('exporting to image', matrix), undefined);
    assert.equal(parseVertexName('[2/3] RUN make', cells('v', 'linux/amd64'))?.stage, '');
  });
});

describe('buildx rawjson progress', () => {
  it('reads the published examples: indented and one-line objects, BuildKit’s own vertices only', () => {
    const p = new RawJsonProgress(cells('v', 'linux/amd64'));
    const text = body('buildx-rawjson-published.txt');
    for (let i = 0; i < text.length; i += 13) p.feed(text.slice(i, i + 13), 0);
    assert.deepEqual(p.finish(0), {});
  });

  it('reads steps per platform, started/completed durations and cached vertices', () => {
    const p = new BuildxProgress(cells('minimal', 'linux/amd64', 'linux/arm64'));
    const text = body('buildx-rawjson-steps.txt');
    for (let i = 0; i < text.length; i += 29) p.feed(text.slice(i, i + 29), 0);
    const t = p.finish(0);
    const show = (id: string) =>
      t[id]!.steps.map((s) => `${s.stage} ${s.index} ${s.seconds}${s.cached ? ' cached' : ''}`);
    assert.deepEqual(show('minimal@linux/amd64'), ['base 1 0.1', 'deps 1 0.8', 'compile 1 0 cached']);
    assert.deepEqual(show('minimal@linux/arm64'), ['base 1 0.1', 'deps 1 3.7', 'compile 1 0.05']);
    assert.equal(t['minimal@linux/arm64']!.seconds, 3.85);
  });

  it('reads the buildx reference’s history-logs rawjson example (START / COMPLETE step events)', () => {
    const p = new BuildxProgress(cells('minimal', 'linux/arm64'));
    const text = body('buildx-history-logs-rawjson-docs.txt');
    for (let i = 0; i < text.length; i += 17) p.feed(text.slice(i, i + 17), 0);
    // Its one step is BuildKit's own (loading the Dockerfile), not a Dockerfile step of a cell.
    assert.deepEqual(p.finish(0), {});
    // The same events naming a Dockerfile step time it from its duration.
    const q = new BuildxProgress(cells('minimal', 'linux/arm64'));
    q.feed('{"id":"s2","status":"START","timestamp":"2024-05-01T12:35:00.000Z","detail":"[deps 1/1] RUN loop"}\n', 0);
    q.feed('{"id":"s2","status":"COMPLETE","timestamp":"2024-05-01T12:35:03.700Z","duration":3700000000}\n', 0);
    assert.deepEqual(
      q.finish(0)['minimal@linux/arm64']!.steps.map((s) => [s.stage, s.index, s.seconds]),
      [['deps', 1, 3.7]],
    );
  });

  it('falls back to plain lines when buildx prints plain progress', () => {
    const p = new BuildxProgress(cells('minimal', 'linux/arm64'));
    p.feed('#5 [deps 1/1] RUN loop\n', 0);
    p.feed('#5 DONE 3.7s\n', 3700);
    assert.equal(p.finish(3700)['minimal@linux/arm64']!.steps[0]!.seconds, 3.7);
  });
});
