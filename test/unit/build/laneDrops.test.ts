import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireCells } from '../../../src/core/build/lockFiles';
import { BuildRunner } from '../../../src/core/build/runner';
import type { Job } from '../../../src/core/jobs';
import { loadJob } from '../helpers/job';

/**
 * The lane's temporary-list drops run as one `podman manifest rm` (LaneDrops), against a script that logs each
 * call: the runner's ordering is tested here, podman's own `manifest rm` of several names in
 * test/engines/replaceOnSuccess.test.ts and the engine suites CI runs.
 */
describe('lane drops: one `manifest rm` for the lane’s temporary lists', () => {
  let dir: string;
  let podman: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drops-'));
    podman = join(dir, 'podman');
    await writeFile(
      podman,
      `#!/bin/sh
echo "$*" >> ${join(dir, 'calls')}
case "$1" in -c) exec sh -c "$2" ;; esac
exit 1
`,
      { mode: 0o755 },
    );
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const job = (variant: string): Job =>
    loadJob(variant, dir, {
      argv: ['podman', '-c', `echo built ${variant} >> ${join(dir, 'calls')}`],
      program: 'podman',
      before: [['podman', 'manifest', 'rm', `app:tmp-${variant}`]],
    });
  const calls = async () => (await readFile(join(dir, 'calls'), 'utf8')).trim().split('\n');
  const drops = (lines: string[]) => lines.filter((l) => l.startsWith('manifest rm'));
  const sorted = (line: string) => line.split(' ').slice(2).sort().join(' ');

  it('every job’s list in one call, before any build; each job’s output shows that call', async () => {
    const shown = new Map<string, string[]>();
    const summary = await new BuildRunner({ programs: { podman }, timeoutMs: 60_000 }).run(
      { engine: 'podman', jobs: ['a', 'b', 'c'].map(job) },
      { onCommand: (j, argv) => void shown.set(j.id, [...(shown.get(j.id) ?? []), argv.slice(1).join(' ')]) },
    );
    // The failed drop (no such list, as for a run that was not killed) is ignored, as before.
    assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
    const lines = await calls();
    assert.equal(drops(lines).length, 1, lines.join('\n'));
    assert.equal(sorted(drops(lines)[0]!), 'app:tmp-a app:tmp-b app:tmp-c');
    const firstBuild = lines.findIndex((l) => l.startsWith('built'));
    assert.ok(lines.indexOf(drops(lines)[0]!) < firstBuild, lines.join('\n'));
    for (const v of ['a', 'b', 'c']) {
      const own = shown.get(v)!.filter((c) => c.startsWith('manifest rm'));
      assert.deepEqual(own.map(sorted), ['app:tmp-a app:tmp-b app:tmp-c'], v);
    }
  });

  it('a job whose cells another process builds does not hold the others up: theirs go together, its own once it has its cells', async () => {
    const held = await acquireCells(dir, [{ variant: 'c', platform: 'linux/amd64' }], {});
    assert.ok('release' in held);
    let released = false;
    const summary = await new BuildRunner({ programs: { podman }, timeoutMs: 60_000 }).run(
      { engine: 'podman', jobs: ['a', 'b', 'c'].map(job) },
      {
        waitForBusy: true,
        // The other process ends once a build of this run has started: by then a and b have cleared their lists.
        onCommand: (_job, argv) => {
          if (argv[1] === '-c' && !released) {
            released = true;
            void held.release();
          }
        },
      },
    );
    assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
    const lines = await calls();
    assert.deepEqual(drops(lines).map(sorted), ['app:tmp-a app:tmp-b', 'app:tmp-c'], lines.join('\n'));
    assert.ok(lines.indexOf(drops(lines)[1]!) < lines.indexOf('built c'), lines.join('\n'));
  });

  it('cancelled while a job waits for another process’s build: the others’ lists went together, the waiting job runs nothing', async () => {
    const held = await acquireCells(dir, [{ variant: 'c', platform: 'linux/amd64' }], {});
    assert.ok('release' in held);
    const stop = new AbortController();
    try {
      const summary = await new BuildRunner({ programs: { podman }, timeoutMs: 60_000 }).run(
        { engine: 'podman', jobs: ['a', 'b', 'c'].map(job) },
        { waitForBusy: true, signal: stop.signal, onCommand: (_job, argv) => argv[1] === '-c' && stop.abort() },
      );
      assert.equal(summary.ok, false);
      const lines = await calls();
      assert.deepEqual(drops(lines).map(sorted), ['app:tmp-a app:tmp-b'], lines.join('\n'));
      assert.ok(!lines.includes('built c'), lines.join('\n'));
    } finally {
      await held.release();
    }
  });
});
