// A job's timings keep where each step was written, read from the Dockerfile when the job started
// (fed the real podman 4.3 output of test/fixtures/timings-app in test/fixtures/progress).
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobProgress } from '../../../src/core/build/jobProgress';
import type { Job } from '../../../src/core/jobs';
import { recording } from '../insight/replay';

describe('job progress', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'job-progress-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const job = (dockerfile?: string): Job => ({
    id: 'minimal',
    engine: 'podman',
    variant: 'minimal',
    platforms: ['linux/amd64', 'linux/arm64'],
    output: 'load',
    tags: ['timings-app:minimal'],
    argv: ['podman', 'build'],
    cwd: dir,
    ...(dockerfile ? { dockerfile } : {}),
  });
  const feedAll = (p: JobProgress, j: Job) => {
    const lines = recording('podman-cold.txt');
    for (const { at, text } of lines) p.feed(j.argv, `${text}\n`, at);
    return p.finish(lines[lines.length - 1]!.at);
  };

  it('gives each step the line and hash of the Dockerfile as it was when the job started', () => {
    const dockerfile = join(dir, 'Dockerfile');
    copyFileSync(join(__dirname, '..', '..', 'fixtures', 'timings-app', 'Dockerfile'), dockerfile);
    const j = job(dockerfile);
    const progress = new JobProgress(j);
    writeFileSync(dockerfile, 'FROM scratch\n', 'utf8'); // an edit during the build is not what was built
    const timings = feedAll(progress, j);
    const steps = timings['minimal@linux/arm64']!.steps;
    assert.equal(steps.length, 8);
    assert.deepEqual(
      steps.map((s) => s.source?.line),
      [3, 4, 8, 11, 12, 13, 16, 17],
    );
  });

  it('keeps the steps without sources when there is no Dockerfile to read', () => {
    for (const j of [job(), job(join(dir, 'missing'))]) {
      const steps = feedAll(new JobProgress(j), j)['minimal@linux/amd64']!.steps;
      assert.equal(steps.length, 8);
      assert.ok(steps.every((s) => s.source === undefined));
    }
  });
});
