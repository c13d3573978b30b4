import { strict as assert } from 'node:assert';
import { failureLines, summaryTable } from '../../../src/core/build/summary';
import type { RunSummary } from '../../../src/core/build/runner';
import type { BuildRecord } from '../../../src/core/results/types';

const rec = (variant: string, platform: string, status: BuildRecord['status'], durationMs: number): BuildRecord => ({
  variant,
  platform,
  status,
  durationMs,
  engine: 'podman',
  output: 'load',
  startedAt: '2026-01-01T00:00:00.000Z',
});

describe('build summary', () => {
  it('prints variant, platform, status and seconds in aligned columns', () => {
    assert.equal(
      summaryTable([rec('minimal', 'linux/amd64', 'succeeded', 3260), rec('redis', 'linux/arm64', 'failed', 12049)]),
      'VARIANT  PLATFORM     STATUS     SECONDS\n' +
        'minimal  linux/amd64  succeeded  3.3\n' +
        'redis    linux/arm64  failed     12.0\n',
    );
  });

  it('names each failure as file:line: error:', () => {
    const summary = {
      ok: false,
      records: [],
      outcomes: [
        {
          status: 'failed',
          records: [],
          job: { variant: 'redis', platforms: ['linux/arm64'] },
          problem: { file: '/w/Dockerfile', line: 5, message: 'exit status 3', exitCode: 3 },
        },
        { status: 'cancelled', records: [], job: { variant: 'sqs', platforms: ['linux/amd64'] } },
      ],
    } as unknown as RunSummary;
    assert.equal(failureLines(summary), '/w/Dockerfile:5: error: redis (linux/arm64): exit status 3\n');
  });
});
