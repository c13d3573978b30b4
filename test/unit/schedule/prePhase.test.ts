import * as assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BuildRunner } from '../../../src/core/build/runner';
import type { Job, Plan } from '../../../src/core/jobs';
import { podmanPullOnce, type PodmanExec } from '../../../src/core/schedule/podmanPull';
import { WAITING_FOR_WARMUP } from '../../../src/core/schedule/runSchedule';
import type { Warmup } from '../../../src/core/schedule/types';

const amd = 'a'.repeat(64);
const arm = 'b'.repeat(64);

/**
 * The pull-once sequencing against scripted answers: which podman commands run, in which order. The real
 * podman behaviour it relies on (one image per name; a local list resolves per platform) is exercised by
 * test/engines/schedule.test.ts.
 */
function scripted(answers: Array<[RegExp, { exitCode: number; output: string }]>): { exec: PodmanExec; calls: string[] } {
  const calls: string[] = [];
  const exec: PodmanExec = async (argv) => {
    const line = argv.join(' ');
    calls.push(line);
    return answers.find(([re]) => re.test(line))?.[1] ?? { exitCode: 0, output: '' };
  };
  return { exec, calls };
}

describe('podman pull once', () => {
  const image = '127.0.0.1:5000/base/busybox:1';

  it('pulls each missing platform one after the other, then makes the name a local list of both', async () => {
    const { exec, calls } = scripted([
      [/manifest exists/, { exitCode: 1, output: '' }],
      [/image inspect/, { exitCode: 125, output: 'Error: image not known' }],
      [/pull .*linux\/amd64/, { exitCode: 0, output: `${amd}\n` }],
      [/pull .*linux\/arm64/, { exitCode: 0, output: `WARNING: something\n${arm}\n` }],
    ]);
    assert.deepEqual(await podmanPullOnce(image, ['linux/amd64', 'linux/arm64'], exec), { ok: true });
    assert.deepEqual(calls.slice(2), [
      `podman pull -q --tls-verify=false --platform linux/amd64 ${image}`,
      `podman pull -q --tls-verify=false --platform linux/arm64 ${image}`,
      `podman untag ${arm} ${image}`,
      `podman manifest create ${image} containers-storage:${amd} containers-storage:${arm}`,
    ]);
  });

  it('keeps a local image that already is one of the platforms; leaves a local list alone', async () => {
    const a = scripted([
      [/manifest exists/, { exitCode: 1, output: '' }],
      [/image inspect/, { exitCode: 0, output: `linux/amd64 ${amd}\n` }],
      [/pull .*linux\/arm64/, { exitCode: 0, output: `${arm}\n` }],
    ]);
    assert.deepEqual(await podmanPullOnce('alpine:3', ['linux/amd64', 'linux/arm64'], a.exec), { ok: true });
    assert.deepEqual(a.calls.filter((c) => / pull | create /.test(c)), [
      'podman pull -q --platform linux/arm64 docker.io/library/alpine:3',
      `podman manifest create docker.io/library/alpine:3 containers-storage:${amd} containers-storage:${arm}`,
    ]);
    const b = scripted([[/manifest exists/, { exitCode: 0, output: '' }]]);
    assert.deepEqual(await podmanPullOnce(image, ['linux/amd64', 'linux/arm64'], b.exec), { ok: true });
    assert.deepEqual(b.calls, [`podman manifest exists ${image}`]);
  });

  it('a failed pull names the platform and carries the engine message', async () => {
    const { exec } = scripted([
      [/manifest exists/, { exitCode: 1, output: '' }],
      [/image inspect/, { exitCode: 125, output: '' }],
      [/pull .*linux\/arm64/, { exitCode: 125, output: 'Trying to pull…\nError: initializing source: manifest unknown' }],
      [/pull .*linux\/amd64/, { exitCode: 0, output: `${amd}\n` }],
    ]);
    assert.deepEqual(await podmanPullOnce(image, ['linux/amd64', 'linux/arm64'], exec), {
      ok: false,
      platform: 'linux/arm64',
      message: 'Trying to pull…\nError: initializing source: manifest unknown',
    });
  });
});

describe('build runner pre-phase', () => {
  /** Commands are shell scripts run as the "podman" program: the runner's ordering is tested, not an engine. */
  function plan(trace: string, warmScript: string): Plan {
    // The project root is the trace's own temp folder, so this run's lock files never meet another run's.
    const root = dirname(trace);
    const job = (variant: string): Job => ({
      id: variant,
      engine: 'podman',
      variant,
      platforms: ['linux/amd64'],
      output: 'load',
      tags: [`app:${variant}`],
      argv: ['sh', '-c', `echo build-${variant} >> ${trace}`],
      cwd: root,
    });
    const warmup: Warmup = {
      stage: 'deps',
      platforms: ['linux/amd64'],
      argv: ['podman', '-c', warmScript],
      program: 'podman',
      cwd: root,
      dockerfile: join(root, 'no-such-Dockerfile'),
      cells: [{ variant: 'a', platform: 'linux/amd64' }, { variant: 'b', platform: 'linux/amd64' }],
    };
    return { engine: 'podman', jobs: [job('a'), job('b')], warmup: [warmup] };
  }

  it('builds the shared stage before any variant; the waiting cells are told why', async () => {
    const trace = join(await mkdtemp(join(tmpdir(), 'pre-')), 'trace');
    const waiting: string[] = [];
    const summary = await new BuildRunner({ programs: { podman: 'sh' } }).run(plan(trace, `echo warm >> ${trace}`), {
      onWaiting: (cells, reason) => waiting.push(`${cells.map((c) => c.variant).join(',')}:${reason ?? '-'}`),
    });
    assert.equal(summary.ok, true);
    const lines = (await readFile(trace, 'utf8')).trim().split('\n');
    assert.equal(lines[0], 'warm');
    assert.deepEqual(lines.slice(1).sort(), ['build-a', 'build-b']);
    assert.deepEqual(waiting, [`a,b:${WAITING_FOR_WARMUP}`, 'a,b:-']);
  });

  it('a failed warm-up builds nothing: its cells fail with the reason', async () => {
    const trace = join(await mkdtemp(join(tmpdir(), 'pre-')), 'trace');
    const summary = await new BuildRunner({ programs: { podman: 'sh' } }).run(plan(trace, 'echo broken >&2; exit 7'), {});
    assert.equal(summary.ok, false);
    assert.deepEqual(summary.records.map((r) => [r.variant, r.status]), [['a', 'failed'], ['b', 'failed']]);
    assert.match(summary.outcomes[0]!.problem!.message, /^building the shared stage "deps" for linux\/amd64 failed: /);
    await assert.rejects(readFile(trace, 'utf8'), /ENOENT/);
  });
});
