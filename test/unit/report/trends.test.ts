import { strict as assert } from 'node:assert';
import type { BuildRecord } from '../../../src/core/results/types';
import { cellTrends, sparkline, trendsText } from '../../../src/core/report/trends';
import { recordsFrom } from '../insight/replay';

describe('build trends', () => {
  const round = (i: number, file: string): BuildRecord[] =>
    recordsFrom(file, 'minimal', new Date(Date.UTC(2026, 11, 1, 8, i)).toISOString());

  it('keeps the last 20 builds of each cell, oldest first, with time and cache share', () => {
    const records = [
      round(0, 'podman-cold.txt'),
      ...Array.from({ length: 24 }, (_, i) => round(i + 1, 'podman-cached.txt')),
    ]
      .flat()
      .reverse();
    const trends = cellTrends(records);
    assert.deepEqual(
      trends.map((t) => [t.variant, t.platform, t.builds.length]),
      [
        ['minimal', 'linux/amd64', 20],
        ['minimal', 'linux/arm64', 20],
      ],
    );
    const amd = trends[0]!.builds;
    assert.equal(amd[0]!.startedAt, '2026-12-01T08:05:00.000Z', 'the cold build and the 4 after it fell out');
    assert.deepEqual(
      amd.map((b) => b.cachedPercent),
      Array(20).fill(100),
    );
    assert.equal(amd[19]!.seconds, 0.93);
    assert.deepEqual(cellTrends(records, ['redis']), []);
  });

  it('uses the job time and no cache share for a build without steps', () => {
    const untimed: BuildRecord = {
      variant: 'sqs',
      platform: 'linux/amd64',
      engine: 'docker',
      output: 'load',
      status: 'failed',
      startedAt: '2026-12-01T08:00:00Z',
      durationMs: 1234,
    };
    const timed = round(1, 'podman-cold.txt').map((r) => ({ ...r, variant: 'sqs' }));
    const [t] = cellTrends([untimed, ...timed]);
    assert.deepEqual(t!.builds, [
      { startedAt: '2026-12-01T08:00:00Z', status: 'failed', seconds: 1.23 },
      { startedAt: '2026-12-01T08:01:00.000Z', status: 'succeeded', seconds: 12.38, cachedPercent: 0 },
    ]);
    assert.match(
      trendsText([t!]),
      /^sqs on linux\/amd64: 2 builds, 1\.2 s → 12\.4 s \(1 not succeeded\)\n {2}time {3}[▁-█]{2} {2}oldest → newest\n {2}cached ▁▁ {2}– 0%\n$/,
    );
  });

  it('draws one bar per value scaled to the largest', () => {
    assert.equal(sparkline([0, 1, 2, 4]), '▁▃▅█');
    assert.equal(sparkline([0, 0]), '▁▁');
    assert.equal(sparkline([50, 100], 100), '▅█');
  });
});
