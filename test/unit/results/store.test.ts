import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResultsStore } from '../../../src/core/results/store';
import { resultsPath } from '../../../src/core/state';
import type { BuildRecord } from '../../../src/core/results/types';

function record(
  variant: string,
  platform: string,
  startedAt: string,
  status: BuildRecord['status'] = 'succeeded',
): BuildRecord {
  return { variant, platform, engine: 'podman', output: 'load', status, startedAt, durationMs: 1000 };
}

describe('results store', () => {
  it('keeps the last N builds per cell, newest first, in .multiarch/results.json', async () => {
    const root = await mkdtemp(join(tmpdir(), 'results-'));
    const store = ResultsStore.forRoot(root, 3);
    for (let i = 0; i < 5; i++)
      await store.append([record('redis', 'linux/arm64', `2026-01-0${i + 1}T00:00:00.000Z`)], assert.fail);
    await store.append([record('sqs', 'linux/amd64', '2026-02-01T00:00:00.000Z', 'failed')], assert.fail);
    const history = await store.history({ variant: 'redis', platform: 'linux/arm64' });
    assert.deepEqual(
      history.map((r) => r.startedAt.slice(0, 10)),
      ['2026-01-05', '2026-01-04', '2026-01-03'],
    );
    assert.equal((await store.latest({ variant: 'sqs', platform: 'linux/amd64' }))?.status, 'failed');
    const onDisk = JSON.parse(await readFile(resultsPath(root), 'utf8'));
    assert.equal(onDisk.version, 1);
    assert.deepEqual(Object.keys(onDisk.cells).sort(), ['redis@linux/arm64', 'sqs@linux/amd64']);
    assert.deepEqual(
      (await readdir(join(root, '.multiarch'))).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });

  it('concurrent appends in one process all land', async () => {
    const root = await mkdtemp(join(tmpdir(), 'results-'));
    const store = ResultsStore.forRoot(root);
    await Promise.all(
      ['a', 'b', 'c', 'd'].map((v, i) =>
        store.append([record(v, 'linux/amd64', `2026-01-0${i + 1}T00:00:00.000Z`)], assert.fail),
      ),
    );
    assert.equal(Object.keys((await store.read()).cells).length, 4);
  });

  it('a corrupt file is refused by readers and kept aside (with a warning) by the next write', async () => {
    const root = await mkdtemp(join(tmpdir(), 'results-'));
    await mkdir(join(root, '.multiarch'));
    await writeFile(resultsPath(root), '{ not json');
    const store = ResultsStore.forRoot(root);
    await assert.rejects(store.read(), /results\.json is not valid JSON/);
    const warnings: string[] = [];
    await store.append([record('minimal', 'linux/amd64', '2026-01-01T00:00:00.000Z')], (m) => warnings.push(m));
    assert.equal((await store.history({ variant: 'minimal', platform: 'linux/amd64' })).length, 1);
    assert.match(warnings.join('\n'), /kept it as .*results\.corrupt-.*\.json/);
  });
});
