import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildRecord } from '../../../src/core/results/types';
import { ResultsStore } from '../../../src/core/results/store';
import { readBuildRecords } from '../../../src/core/sizes/buildRecords';
import { collectSizes, samePlatform } from '../../../src/core/sizes/collectSizes';
import { parseImageInspect } from '../../../src/core/sizes/localSizes';
import { measureSizes } from '../../../src/core/sizes/measureSizes';
import { emptyHistory, recordSamples, withDeltas } from '../../../src/core/sizes/sizeHistory';
import type { ToolRunner } from '../../../src/core/engines/exec';
import { toolResult } from '../helpers/toolResult';
import { GZIP, LayoutBuilder } from './ociFixture';
import { buildRecord } from '../helpers/buildRecord';

const rec = (over: Partial<BuildRecord>): BuildRecord =>
  buildRecord({ startedAt: '2026-11-27T05:00:00.000Z', ...over });

/** `podman image inspect` as the engine prints it, trimmed to the fields we read. */
const inspect = (arch: string, size: number) =>
  JSON.stringify([
    {
      Id: `id-${arch}`,
      Size: size,
      Architecture: arch,
      Os: 'linux',
      Created: '2026-11-27T05:00:00Z',
      RootFS: { Type: 'layers', Layers: ['a', 'b', 'c'] },
    },
  ]);

describe('collecting sizes from recorded builds', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'sizes-root-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads OCI cells from the archive path and local cells from image inspect', async () => {
    const b = new LayoutBuilder(join(root, 'out', 'minimal'));
    const amd = b.image('amd64', [[100, GZIP]]);
    const arm = b.image('arm64', [[90, GZIP]], { variant: 'v8' });
    b.writeTop([b.index([amd, arm])]);
    const asked: string[][] = [];
    const run: ToolRunner = async (argv) => {
      asked.push(argv);
      return toolResult({ exitCode: 0, stdout: inspect('amd64', 5000), stderr: '', timedOut: false });
    };
    const rows = await collectSizes(
      [
        rec({ ociPath: 'out/minimal' }),
        rec({ platform: 'linux/arm64', ociPath: 'out/minimal' }),
        rec({ variant: 'redis', engine: 'docker', output: 'load', image: 'q:redis-amd64' }),
        rec({ variant: 'sqs', status: 'failed' }),
      ],
      { root, run, env: {} },
    );
    assert.deepEqual(
      rows.map((r) => [r.variant, r.platform, r.source, r.compressed, r.uncompressed, r.layers, r.error]),
      [
        ['minimal', 'linux/amd64', 'oci-layout', amd.expected, undefined, 1, undefined],
        ['minimal', 'linux/arm64', 'oci-layout', arm.expected, undefined, 1, undefined],
        ['redis', 'linux/amd64', 'local', undefined, 5000, 3, undefined],
      ],
    );
    assert.deepEqual(asked, [['docker', 'image', 'inspect', 'q:redis-amd64']]);
  });

  it('keeps a failing cell as a row with the reason instead of failing the table', async () => {
    const rows = await collectSizes([rec({ ociPath: 'missing.tar' })], { root });
    assert.equal(rows.length, 1);
    assert.match(rows[0]!.error ?? '', /missing\.tar does not exist/);
  });

  it('treats linux/arm64/v8 and linux/arm64 as one platform', () => {
    assert.ok(samePlatform('linux/arm64/v8', 'linux/arm64'));
    assert.ok(!samePlatform('linux/arm/v7', 'linux/arm/v6'));
  });

  it('parses image inspect JSON and rejects other output', () => {
    assert.deepEqual(parseImageInspect(inspect('arm64', 12)), [
      { id: 'id-arm64', size: 12, layers: 3, platform: 'linux/arm64', created: '2026-11-27T05:00:00Z' },
    ]);
    assert.throws(() => parseImageInspect('Error: image not known'), /did not print JSON/);
    assert.throws(() => parseImageInspect('[{"Id": 1}]'), /unexpected image inspect output/);
  });

  it('reads every recorded build from the results file, oldest first', async () => {
    const a = rec({ startedAt: '2026-11-27T06:00:00Z' });
    const b = rec({ startedAt: '2026-11-27T05:00:00Z', platform: 'linux/arm64' });
    assert.deepEqual(await readBuildRecords(root), []);
    await ResultsStore.forRoot(root).append([a, b], assert.fail);
    assert.deepEqual(await readBuildRecords(root), [b, a]);
    rmSync(join(root, '.multiarch'), { recursive: true });
    mkdirSync(join(root, '.multiarch'));
    writeFileSync(join(root, '.multiarch', 'results.json'), '{oops');
    await assert.rejects(readBuildRecords(root), /not valid JSON: rebuild, or delete the file/);
  });

  it('computes deltas against the previous measured build of the cell', () => {
    const first = {
      variant: 'v',
      platform: 'linux/amd64',
      source: 'oci-archive' as const,
      compressed: 1000,
      uncompressed: 3000,
      builtAt: '1',
    };
    let h = recordSamples(emptyHistory(), [first]);
    const second = { ...first, compressed: 900, uncompressed: 3100, builtAt: '2' };
    assert.deepEqual(withDeltas([second], h)[0]!.delta, { compressed: -100, uncompressed: 100 });
    assert.equal(withDeltas([first], h)[0]!.delta, undefined, 'a build is not compared with itself');
    for (let i = 3; i < 20; i++) h = recordSamples(h, [{ ...first, builtAt: String(i).padStart(2, '0') }], 5);
    assert.equal(h.cells['v@linux/amd64']!.length, 5);
  });

  it('measureSizes writes the history so the next build shows a delta', async () => {
    const b = new LayoutBuilder(join(root, 'out'));
    b.writeTop([b.index([b.image('amd64', [[100, GZIP]])])]);
    mkdirSync(join(root, '.multiarch'));
    const write = (records: BuildRecord[]) =>
      writeFileSync(
        join(root, '.multiarch', 'results.json'),
        JSON.stringify({ version: 1, cells: { 'minimal@linux/amd64': records } }),
      );
    write([rec({ ociPath: 'out', startedAt: '2026-11-27T05:00:00Z' })]);
    const [r1] = await measureSizes({ root, warn: assert.fail });
    assert.equal(r1!.delta, undefined);
    const b2 = new LayoutBuilder(join(root, 'out2'));
    b2.writeTop([b2.index([b2.image('amd64', [[150, GZIP]])])]);
    write([
      rec({ ociPath: 'out', startedAt: '2026-11-27T05:00:00Z' }),
      rec({ ociPath: 'out2', startedAt: '2026-11-27T06:00:00Z' }),
    ]);
    const [r2] = await measureSizes({ root, warn: assert.fail });
    assert.deepEqual(r2!.delta, { compressed: 50 });
  });
});

describe('collecting sizes of pushed images', () => {
  it('asks docker buildx imagetools for buildx builds and skopeo for the others, TLS off only for a local registry', async () => {
    const asked: string[][] = [];
    const manifest = JSON.stringify({
      schemaVersion: 2,
      config: { mediaType: 'c', digest: 'sha256:c0', size: 5 },
      layers: [{ mediaType: 'l+gzip', digest: 'sha256:l0', size: 95 }],
    });
    const run: ToolRunner = async (argv) => {
      asked.push(argv);
      const config = argv.includes('--config');
      return toolResult({
        exitCode: 0,
        stdout: config ? JSON.stringify({ architecture: 'amd64', os: 'linux', created: 'yesterday' }) : manifest,
        stderr: '',
        timedOut: false,
      });
    };
    const rows = await collectSizes(
      [
        rec({ engine: 'buildx', output: 'push', image: 'ghcr.io/acme/app:1-minimal' }),
        rec({ variant: 'redis', engine: 'podman', output: 'push', image: '127.0.0.1:5000/app:1-redis' }),
      ],
      { root: tmpdir(), run, env: {}, programs: { docker: 'docker', podman: 'podman' } },
    );
    assert.deepEqual(
      rows.map((r) => [r.variant, r.source, r.compressed, r.created]),
      [
        ['minimal', 'registry', 100, undefined],
        ['redis', 'registry', 100, 'yesterday'],
      ],
    );
    const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
    assert.deepEqual(
      asked.filter((a) => a[1] !== 'image'),
      [
        ['docker', 'buildx', 'imagetools', 'inspect', '--raw', 'ghcr.io/acme/app:1-minimal'],
        ['skopeo', 'inspect', '--raw', '--tls-verify=false', 'docker://127.0.0.1:5000/app:1-redis'],
        ['skopeo', 'inspect', '--config', '--raw', '--tls-verify=false', `docker://127.0.0.1:5000/app@${digest}`],
      ],
    );
  });
});
