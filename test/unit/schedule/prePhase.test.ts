import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { BuildRunner } from '../../../src/core/build/runner';
import { hostPlatform } from '../../../src/core/engines/emulation';
import type { Job, Plan, Warmup } from '../../../src/core/jobs';
import { emptyListWait, podmanPullOnce, type PodmanExec } from '../../../src/core/schedule/podmanPull';
import { partImageSource } from '../../../src/core/schedule/podmanParts';
import { WAITING_FOR_CORE, WAITING_FOR_WARMUP } from '../../../src/core/schedule/runSchedule';
import { loadJob } from '../helpers/job';

const execFileP = promisify(execFile);

/** `podman manifest inspect` of a local list with one instance per architecture (the shape podman 4.3 prints). */
const listJson = (arches: string[]) =>
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
    manifests: arches.map((architecture, i) => ({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      size: 500,
      digest: `sha256:${String(i).repeat(64)}`,
      platform: { architecture, os: 'linux' },
    })),
  });
const amd = 'a'.repeat(64);
const arm = 'b'.repeat(64);

/**
 * The pull-once sequencing against scripted answers: which podman commands run, in which order. The real
 * podman behaviour it relies on (one image per name; a local list resolves per platform) is exercised by
 * test/engines/schedule.test.ts.
 */
function scripted(answers: Array<[RegExp, { exitCode: number; output: string }]>): {
  exec: PodmanExec;
  calls: string[];
} {
  const calls: string[] = [];
  const exec: PodmanExec = async (argv) => {
    const line = argv.join(' ');
    calls.push(line);
    return answers.find(([re]) => re.test(line))?.[1] ?? { exitCode: 0, output: '' };
  };
  return { exec, calls };
}

/**
 * A local list of `arches` none of whose instances is in the store, and pulls that succeed; `ready` records each
 * `onReady` with the number of calls made by then.
 */
function localListWithoutInstances(arches: string[]) {
  const s = scripted([
    [/manifest exists/, { exitCode: 0, output: '' }],
    [/manifest inspect/, { exitCode: 0, output: listJson(arches) }],
    [/image exists /, { exitCode: 1, output: '' }],
    [/pull .*linux\/amd64/, { exitCode: 0, output: `${amd}\n` }],
    [/pull .*linux\/arm64/, { exitCode: 0, output: `${arm}\n` }],
  ]);
  const ready: string[] = [];
  const onReady = (platform: string) => void ready.push(`${platform} after ${s.calls.length} calls`);
  return { ...s, ready, onReady };
}

describe('podman pull once', () => {
  const image = '127.0.0.1:5000/base/busybox:1';

  /** podmanPullOnce of arm64 then amd64 with every pull cancelled, the other commands answered by `answers`. */
  async function pullsCancelled(answers: Array<[RegExp, { exitCode: number; output: string }]>) {
    const run = scripted(answers);
    const exec: PodmanExec = async (argv) => (argv[1] === 'pull' ? { output: '', cancelled: true } : run.exec(argv));
    const restore = scripted([]);
    const result = await podmanPullOnce(image, ['linux/arm64', 'linux/amd64'], { exec, restore: restore.exec });
    return { result, calls: run.calls, restored: restore.calls };
  }

  it('a name not in the store becomes a list of the registry index first; each platform is pulled by digest and ready in turn', async () => {
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
      manifests: [
        ['amd64', '1'],
        ['arm64', '2'],
        ['s390x', '3'],
      ].map(([architecture, d]) => ({
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        size: 500,
        digest: `sha256:${d!.repeat(64)}`,
        platform: { architecture, os: 'linux' },
      })),
    });
    const { exec, calls } = scripted([
      [/manifest exists/, { exitCode: 1, output: '' }],
      [/image inspect/, { exitCode: 125, output: 'Error: image not known' }],
      [/manifest inspect/, { exitCode: 0, output: index }],
      [/pull .*linux\/amd64/, { exitCode: 0, output: `${amd}\n` }],
      [/pull .*linux\/arm64/, { exitCode: 0, output: `WARNING: image platform does not match\n${arm}\n` }],
    ]);
    const ready: string[] = [];
    const onReady = (platform: string) => void ready.push(`${platform} after ${calls.length} calls`);
    assert.deepEqual(await podmanPullOnce(image, ['linux/arm64', 'linux/amd64'], { exec, onReady }), { ok: true });
    const repo = '127.0.0.1:5000/base/busybox';
    assert.deepEqual(calls.slice(2), [
      `podman manifest create ${image}`,
      `podman manifest add --all --tls-verify=false ${image} docker://${image}`,
      `podman manifest inspect ${image}`,
      // Only the platforms asked for stay in the list, as a pull by tag would have left them.
      `podman manifest remove ${image} sha256:${'3'.repeat(64)}`,
      `podman pull -q --tls-verify=false --platform linux/arm64 ${repo}@sha256:${'2'.repeat(64)}`,
      `podman pull -q --tls-verify=false --platform linux/amd64 ${repo}@sha256:${'1'.repeat(64)}`,
    ]);
    // The first platform is ready while the second is still to be pulled.
    assert.deepEqual(ready, ['linux/arm64 after 7 calls', 'linux/amd64 after 8 calls']);
  });

  it('together (no build starts on one platform alone): the instances the new list names are pulled in one call, then all are ready', async () => {
    const repo = '127.0.0.1:5000/base/busybox';
    const answers: Array<[RegExp, { exitCode: number; output: string }]> = [
      [/manifest exists/, { exitCode: 1, output: '' }],
      [/image inspect/, { exitCode: 125, output: 'Error: image not known' }],
      [/manifest inspect/, { exitCode: 0, output: listJson(['amd64', 'arm64']) }],
    ];
    const ok = scripted([
      ...answers,
      [/^podman pull /, { exitCode: 0, output: `${amd}\nWARNING: image platform does not match\n${arm}\n` }],
    ]);
    const ready: string[] = [];
    const onReady = (p: string) => void ready.push(`${p} after ${ok.calls.length} calls`);
    const platforms = ['linux/arm64', 'linux/amd64'];
    assert.deepEqual(await podmanPullOnce(image, platforms, { exec: ok.exec, onReady, together: true }), { ok: true });
    assert.deepEqual(ok.calls.slice(5), [
      `podman pull -q --tls-verify=false ${repo}@sha256:${'1'.repeat(64)} ${repo}@sha256:${'0'.repeat(64)}`,
    ]);
    assert.deepEqual(ready, ['linux/arm64 after 6 calls', 'linux/amd64 after 6 calls']);

    // A failed pull (or one that printed fewer images than it was asked for) names both platforms and drops the list.
    for (const output of ['Error: writing blob: no space left on device', `${amd}\n`]) {
      const failed = scripted([
        ...answers,
        [/^podman pull /, { exitCode: output.startsWith('Error') ? 125 : 0, output }],
      ]);
      const restored = scripted([]);
      const r = await podmanPullOnce(image, platforms, { exec: failed.exec, restore: restored.exec, together: true });
      assert.deepEqual(r, { ok: false, platform: 'linux/arm64,linux/amd64', message: output.trim() });
      assert.deepEqual(restored.calls, [`podman manifest rm ${image}`]);
    }
  });

  it('together: the instances a local list names but the store lacks are pulled in one call', async () => {
    const repo = '127.0.0.1:5000/base/busybox';
    const s = scripted([
      [/manifest exists/, { exitCode: 0, output: '' }],
      [/manifest inspect/, { exitCode: 0, output: listJson(['amd64', 'arm64']) }],
      [/image exists /, { exitCode: 1, output: '' }],
      [/^podman pull /, { exitCode: 0, output: `${arm}\n${amd}\n` }],
    ]);
    const platforms = ['linux/arm64', 'linux/amd64'];
    assert.deepEqual(await podmanPullOnce(image, platforms, { exec: s.exec, together: true }), { ok: true });
    assert.deepEqual(s.calls.slice(5), [
      `podman pull -q --tls-verify=false ${repo}@sha256:${'1'.repeat(64)} ${repo}@sha256:${'0'.repeat(64)}`,
    ]);
  });

  it('a failed or cancelled pull by digest drops the list it made: the name is absent again, as before the run', async () => {
    const index = listJson(['amd64', 'arm64']);
    const failed = scripted([
      [/manifest exists/, { exitCode: 1, output: '' }],
      [/image inspect/, { exitCode: 125, output: '' }],
      [/manifest inspect/, { exitCode: 0, output: index }],
      [/pull .*linux\/arm64/, { exitCode: 0, output: `${arm}\n` }],
      [/pull .*linux\/amd64/, { exitCode: 125, output: 'Error: writing blob: no space left on device' }],
    ]);
    const restored = scripted([]);
    assert.deepEqual(
      await podmanPullOnce(image, ['linux/arm64', 'linux/amd64'], { exec: failed.exec, restore: restored.exec }),
      { ok: false, platform: 'linux/amd64', message: 'Error: writing blob: no space left on device' },
    );
    assert.deepEqual(restored.calls, [`podman manifest rm ${image}`]);
    const cancelled = await pullsCancelled([
      [/manifest exists/, { exitCode: 1, output: '' }],
      [/image inspect/, { exitCode: 125, output: '' }],
      [/manifest inspect/, { exitCode: 0, output: index }],
    ]);
    assert.deepEqual(cancelled.result, { ok: false, platform: 'linux/arm64', message: 'cancelled', cancelled: true });
    assert.deepEqual(cancelled.restored, [`podman manifest rm ${image}`]);
  });

  it('a registry answer without one of the platforms (a one-platform image): the list goes, each platform is pulled by tag, then listed', async () => {
    const { exec, calls } = scripted([
      [/manifest exists/, { exitCode: 1, output: '' }],
      [/image inspect/, { exitCode: 125, output: 'Error: image not known' }],
      [/manifest inspect/, { exitCode: 0, output: listJson(['amd64']) }],
      [/pull .*linux\/amd64/, { exitCode: 0, output: `${amd}\n` }],
      [/pull .*linux\/arm64/, { exitCode: 0, output: `WARNING: something\n${arm}\n` }],
    ]);
    assert.deepEqual(await podmanPullOnce(image, ['linux/amd64', 'linux/arm64'], { exec }), { ok: true });
    assert.deepEqual(calls.slice(5), [
      `podman manifest rm ${image}`,
      `podman pull -q --tls-verify=false --platform linux/amd64 ${image}`,
      `podman pull -q --tls-verify=false --platform linux/arm64 ${image}`,
      `podman untag ${arm} ${image}`,
      `podman manifest create ${image} containers-storage:${amd} containers-storage:${arm}`,
    ]);
  });

  it('keeps a local image that already is one of the platforms; leaves a local list that has them all alone', async () => {
    const a = scripted([
      [/manifest exists/, { exitCode: 1, output: '' }],
      [/image inspect/, { exitCode: 0, output: `linux/amd64 ${amd}\n` }],
      [/pull .*linux\/arm64/, { exitCode: 0, output: `${arm}\n` }],
    ]);
    assert.deepEqual(await podmanPullOnce('alpine:3', ['linux/amd64', 'linux/arm64'], { exec: a.exec }), { ok: true });
    assert.deepEqual(
      a.calls.filter((c) => / pull | create /.test(c)),
      [
        'podman pull -q --platform linux/arm64 docker.io/library/alpine:3',
        `podman manifest create docker.io/library/alpine:3 containers-storage:${amd} containers-storage:${arm}`,
      ],
    );
    const b = scripted([
      [/manifest exists/, { exitCode: 0, output: '' }],
      [/manifest inspect/, { exitCode: 0, output: listJson(['amd64', 'arm64']) }],
    ]);
    assert.deepEqual(await podmanPullOnce(image, ['linux/amd64', 'linux/arm64'], { exec: b.exec }), { ok: true });
    const repo = '127.0.0.1:5000/base/busybox';
    assert.deepEqual(b.calls, [
      `podman manifest exists ${image}`,
      `podman image inspect --format {{.Os}}/{{.Architecture}}{{if .Variant}}/{{.Variant}}{{end}} {{.ID}} ${image}`,
      `podman manifest inspect ${image}`,
      `podman image exists ${repo}@sha256:${'0'.repeat(64)}`,
      `podman image exists ${repo}@sha256:${'1'.repeat(64)}`,
    ]);
  });

  it('a local list whose instance is not in the store yet (another run still pulling into it): that instance is pulled by digest, each platform ready in turn', async () => {
    const repo = '127.0.0.1:5000/base/busybox';
    const { exec, calls, ready, onReady } = localListWithoutInstances(['amd64', 'arm64', 's390x']);
    assert.deepEqual(await podmanPullOnce(image, ['linux/arm64', 'linux/amd64'], { exec, onReady }), { ok: true });
    assert.deepEqual(calls, [
      `podman manifest exists ${image}`,
      `podman image inspect --format {{.Os}}/{{.Architecture}}{{if .Variant}}/{{.Variant}}{{end}} {{.ID}} ${image}`,
      `podman manifest inspect ${image}`,
      // Only the platforms asked for, in the caller's order (emulated first).
      `podman image exists ${repo}@sha256:${'1'.repeat(64)}`,
      `podman image exists ${repo}@sha256:${'0'.repeat(64)}`,
      `podman pull -q --tls-verify=false --platform linux/arm64 ${repo}@sha256:${'1'.repeat(64)}`,
      `podman pull -q --tls-verify=false --platform linux/amd64 ${repo}@sha256:${'0'.repeat(64)}`,
    ]);
    assert.deepEqual(ready, ['linux/arm64 after 6 calls', 'linux/amd64 after 7 calls']);

    // One instance in the store: its platform is ready before the other one is pulled.
    const half = scripted([
      [/manifest exists/, { exitCode: 0, output: '' }],
      [/manifest inspect/, { exitCode: 0, output: listJson(['amd64', 'arm64']) }],
      [new RegExp(`image exists .*@sha256:${'1'.repeat(64)}`), { exitCode: 1, output: '' }],
      [/pull .*linux\/arm64/, { exitCode: 0, output: `${arm}\n` }],
    ]);
    const halfReady: string[] = [];
    assert.deepEqual(
      await podmanPullOnce(image, ['linux/arm64', 'linux/amd64'], {
        exec: half.exec,
        onReady: (p) => void halfReady.push(`${p} after ${half.calls.length} calls`),
      }),
      { ok: true },
    );
    assert.deepEqual(half.calls.slice(5), [
      `podman pull -q --tls-verify=false --platform linux/arm64 ${repo}@sha256:${'1'.repeat(64)}`,
    ]);
    assert.deepEqual(halfReady, ['linux/amd64 after 5 calls', 'linux/arm64 after 6 calls']);
  });

  it("a local list still empty (another run between its `manifest create` and `manifest add --all`) is read again until the index's entries are in it", async () => {
    const repo = '127.0.0.1:5000/base/busybox';
    const empty = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
      manifests: null,
    });
    const calls: string[] = [];
    let inspections = 0;
    const exec: PodmanExec = async (argv) => {
      const line = argv.join(' ');
      calls.push(line);
      if (/manifest inspect/.test(line))
        return { exitCode: 0, output: ++inspections < 3 ? empty : listJson(['amd64', 'arm64']) };
      if (/image exists /.test(line)) return { exitCode: 1, output: '' };
      if (/pull .*linux\/arm64/.test(line)) return { exitCode: 0, output: `${arm}\n` };
      if (/pull .*linux\/amd64/.test(line)) return { exitCode: 0, output: `${amd}\n` };
      return { exitCode: 0, output: '' };
    };
    assert.deepEqual(await podmanPullOnce(image, ['linux/arm64', 'linux/amd64'], { exec }), { ok: true });
    // Never by tag (that would move the name off the list the other run is filling): each instance by digest.
    assert.deepEqual(calls.slice(5), [
      `podman image exists ${repo}@sha256:${'1'.repeat(64)}`,
      `podman image exists ${repo}@sha256:${'0'.repeat(64)}`,
      `podman pull -q --tls-verify=false --platform linux/arm64 ${repo}@sha256:${'1'.repeat(64)}`,
      `podman pull -q --tls-verify=false --platform linux/amd64 ${repo}@sha256:${'0'.repeat(64)}`,
    ]);
    assert.equal(calls.filter((c) => c.includes('manifest inspect')).length, 3);
  });

  it('a local list that stays empty is, after the wait, the user’s own: its platforms are pulled by tag into it', async () => {
    const saved = { ...emptyListWait };
    Object.assign(emptyListWait, { ms: 40, pollMs: 10 });
    try {
      const empty = JSON.stringify({ schemaVersion: 2, manifests: null });
      const { exec, calls } = scripted([
        [/manifest exists/, { exitCode: 0, output: '' }],
        [/manifest inspect/, { exitCode: 0, output: empty }],
        [/pull .*linux\/amd64/, { exitCode: 0, output: `${amd}\n` }],
      ]);
      assert.deepEqual(await podmanPullOnce(image, ['linux/amd64'], { exec }), { ok: true });
      assert.equal(calls.filter((c) => c.includes('manifest inspect')).length, 5);
      assert.ok(calls.includes(`podman pull -q --tls-verify=false --platform linux/amd64 ${image}`), calls.join('\n'));
      assert.ok(calls.includes(`podman manifest add ${image} containers-storage:${amd}`), calls.join('\n'));
    } finally {
      Object.assign(emptyListWait, saved);
    }
  });

  it('a failed or cancelled pull by digest into a local list leaves the list: it was there before the run', async () => {
    const answers: Array<[RegExp, { exitCode: number; output: string }]> = [
      [/manifest exists/, { exitCode: 0, output: '' }],
      [/manifest inspect/, { exitCode: 0, output: listJson(['amd64', 'arm64']) }],
      [/image exists /, { exitCode: 1, output: '' }],
    ];
    const failed = scripted([
      ...answers,
      [/pull .*linux\/arm64/, { exitCode: 0, output: `${arm}\n` }],
      [/pull .*linux\/amd64/, { exitCode: 125, output: 'Error: writing blob: no space left on device' }],
    ]);
    const restored = scripted([]);
    const ready: string[] = [];
    assert.deepEqual(
      await podmanPullOnce(image, ['linux/arm64', 'linux/amd64'], {
        exec: failed.exec,
        restore: restored.exec,
        onReady: (p) => void ready.push(p),
      }),
      { ok: false, platform: 'linux/amd64', message: 'Error: writing blob: no space left on device' },
    );
    assert.deepEqual(ready, ['linux/arm64']);
    assert.deepEqual(failed.calls.slice(-1), [
      `podman pull -q --tls-verify=false --platform linux/amd64 127.0.0.1:5000/base/busybox@sha256:${'0'.repeat(64)}`,
    ]);
    assert.deepEqual(restored.calls, []);

    const cancelled = await pullsCancelled(answers);
    assert.deepEqual(cancelled.result, { ok: false, platform: 'linux/arm64', message: 'cancelled', cancelled: true });
    assert.deepEqual(
      cancelled.calls.filter((c) => / rm | remove | untag /.test(c)),
      [],
    );
    assert.deepEqual(cancelled.restored, []);
  });

  it('a local list that lacks one platform and lacks the instance of another: the name comes back first, then the instance is pulled by digest', async () => {
    const hold = '127.0.0.1:5000/base/busybox:multiarch-pull-hold';
    const repo = '127.0.0.1:5000/base/busybox';
    const { exec, calls, ready, onReady } = localListWithoutInstances(['amd64']);
    assert.deepEqual(await podmanPullOnce(image, ['linux/arm64', 'linux/amd64'], { exec, onReady }), { ok: true });
    assert.deepEqual(calls.slice(3), [
      `podman image exists ${repo}@sha256:${'0'.repeat(64)}`,
      `podman tag ${image} ${hold}`,
      `podman pull -q --tls-verify=false --platform linux/arm64 ${image}`,
      `podman tag ${hold} ${image}`,
      `podman manifest rm ${hold}`,
      `podman manifest add ${image} containers-storage:${arm}`,
      `podman pull -q --tls-verify=false --platform linux/amd64 ${repo}@sha256:${'0'.repeat(64)}`,
    ]);
    assert.deepEqual(ready, ['linux/arm64 after 9 calls', 'linux/amd64 after 10 calls']);
  });

  it('a local list that lacks a platform (a load output for amd64 only) still gets that platform pulled, and keeps the name', async () => {
    const hold = '127.0.0.1:5000/base/busybox:multiarch-pull-hold';
    const { exec, calls } = scripted([
      [/manifest exists/, { exitCode: 0, output: '' }],
      [/manifest inspect/, { exitCode: 0, output: listJson(['amd64']) }],
      [/pull .*linux\/arm64/, { exitCode: 0, output: `${arm}\n` }],
    ]);
    assert.deepEqual(await podmanPullOnce(image, ['linux/amd64', 'linux/arm64'], { exec }), { ok: true });
    assert.deepEqual(calls.slice(4), [
      `podman tag ${image} ${hold}`,
      `podman pull -q --tls-verify=false --platform linux/arm64 ${image}`,
      `podman tag ${hold} ${image}`,
      `podman manifest rm ${hold}`,
      `podman manifest add ${image} containers-storage:${arm}`,
    ]);
    // A failed pull still gives the name back to the list, and adds nothing.
    const failed = scripted([
      [/manifest exists/, { exitCode: 0, output: '' }],
      [/manifest inspect/, { exitCode: 0, output: listJson([]) }],
      [/pull .*linux\/amd64/, { exitCode: 0, output: `${amd}\n` }],
      [/pull .*linux\/arm64/, { exitCode: 125, output: 'Error: manifest unknown' }],
    ]);
    assert.deepEqual(await podmanPullOnce(image, ['linux/amd64', 'linux/arm64'], { exec: failed.exec }), {
      ok: false,
      platform: 'linux/arm64',
      message: 'Error: manifest unknown',
    });
    assert.deepEqual(failed.calls.slice(-2), [`podman tag ${hold} ${image}`, `podman manifest rm ${hold}`]);
    // A cancelled pull gives the name back through the commands that run even after a cancel.
    const cancelled = scripted([
      [/manifest exists/, { exitCode: 0, output: '' }],
      [/manifest inspect/, { exitCode: 0, output: listJson(['amd64']) }],
    ]);
    const cancelExec: PodmanExec = async (argv) =>
      argv[1] === 'pull' ? { output: '', cancelled: true } : cancelled.exec(argv);
    const restored = scripted([]);
    assert.deepEqual(
      await podmanPullOnce(image, ['linux/amd64', 'linux/arm64'], { exec: cancelExec, restore: restored.exec }),
      {
        ok: false,
        platform: 'linux/arm64',
        message: 'cancelled',
        cancelled: true,
      },
    );
    assert.deepEqual(restored.calls, [`podman tag ${hold} ${image}`, `podman manifest rm ${hold}`]);
  });

  it('a failed pull names the platform and carries the engine message', async () => {
    const { exec } = scripted([
      [/manifest exists/, { exitCode: 1, output: '' }],
      [/image inspect/, { exitCode: 125, output: '' }],
      [
        /pull .*linux\/arm64/,
        { exitCode: 125, output: 'Trying to pull…\nError: initializing source: manifest unknown' },
      ],
      [/pull .*linux\/amd64/, { exitCode: 0, output: `${amd}\n` }],
    ]);
    assert.deepEqual(await podmanPullOnce(image, ['linux/amd64', 'linux/arm64'], { exec }), {
      ok: false,
      platform: 'linux/arm64',
      message: 'Trying to pull…\nError: initializing source: manifest unknown',
    });
  });
});

/** A script run as the "podman" program (the runner's `programs` maps it to sh): the ordering is tested, not an engine. */
const sh = (script: string) => ['podman', '-c', script];
/** This machine's platform builds natively; the other one is emulated. */
const native = hostPlatform();
const emulated = native === 'linux/arm64' ? 'linux/amd64' : 'linux/arm64';

/** A warm-up of the stage `deps` for `platform`, serving `variants`, that runs `script` in `dir`. */
function warmupOf({
  dir,
  platform,
  variants,
  script,
}: {
  dir: string;
  platform: string;
  variants: string[];
  script: string;
}): Warmup {
  return {
    stage: 'deps',
    platforms: [platform],
    argv: sh(script),
    program: 'podman',
    cwd: dir,
    dockerfile: join(dir, 'no-such-Dockerfile'),
    cells: variants.map((variant) => ({ variant, platform })),
  };
}

/** A podman job of `variant` split into its `parts`, each running its script; `after` joins them (default: nothing). */
function splitJob({
  dir,
  variant,
  parts,
  after = [sh('true')],
}: {
  dir: string;
  variant: string;
  parts: Array<{ platform: string; iidfile: string; script: string }>;
  after?: string[][];
}): Job {
  return {
    id: variant,
    engine: 'podman',
    variant,
    platforms: parts.map((p) => p.platform),
    output: 'load',
    tags: [`app:${variant}`],
    argv: sh('exit 9'),
    program: 'podman',
    cwd: dir,
    parts: parts.map(({ platform, iidfile, script }) => ({ platform, iidfile, argv: sh(script) })),
    after,
  };
}

/** A split job of `variant`: a native and an emulated part, each writing an image id; the native one runs `nativeFirst` first. */
function nativeAndEmulated(dir: string, variant: string, nativeFirst = ''): Job {
  const parts = [native, emulated].map((platform, i) => {
    const iidfile = join(dir, `${variant}-${i}.iid`);
    return { platform, iidfile, script: `${platform === native ? nativeFirst : ''}printf sha256:%064d 0 > ${iidfile}` };
  });
  return splitJob({ dir, variant, parts });
}

describe('build runner pre-phase', () => {
  /** Commands are shell scripts run as the "podman" program: the runner's ordering is tested, not an engine. */
  function plan(trace: string, warmScript: string): Plan {
    // The project root is the trace's own temp folder, so this run's lock files never meet another run's.
    const root = dirname(trace);
    const job = (variant: string): Job =>
      loadJob(variant, root, { argv: ['sh', '-c', `echo build-${variant} >> ${trace}`] });
    const warmup = warmupOf({ dir: root, platform: 'linux/amd64', variants: ['a', 'b'], script: warmScript });
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

  it('credits the warm-up’s steps to the cells that found them cached; their own steps stay as built', async () => {
    const trace = join(await mkdtemp(join(tmpdir(), 'pre-')), 'trace');
    // podman 4.3's lines for the shared stage (cut from test/fixtures/progress/podman-single.txt): the warm-up
    // runs the RUN step, each variant's build then finds it cached and runs its own step.
    const from = '[1/2] STEP 1/2: FROM busybox AS deps';
    const run = '[1/2] STEP 2/2: RUN i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done';
    const own = '[2/2] STEP 1/1: RUN echo variant';
    const p = plan(trace, `echo '${from}'; echo '${run}'; sleep 0.3; echo '--> fec86bd6767'`);
    for (const j of p.jobs)
      j.argv = [
        'sh',
        '-c',
        `echo '${from}'; echo '${run}'; echo '--> Using cache ${'e'.repeat(64)}'; echo '--> e1a7485a3f5'; echo '${own}'; echo '--> 434dafdf488'`,
      ];
    const summary = await new BuildRunner({ programs: { podman: 'sh' } }).run(p, {});
    assert.equal(summary.ok, true);
    for (const r of summary.records) {
      const [shared, mine] = r.timing!.steps.filter((s) => s.instruction.startsWith('RUN'));
      assert.deepEqual([shared!.cached, shared!.warmup], [false, true], r.variant);
      assert.ok(shared!.seconds > 0, 'the warm-up ran the step for a while');
      assert.deepEqual([mine!.cached, mine!.warmup], [false, undefined]);
    }
  });

  it('a failed warm-up builds nothing: its cells fail with the reason', async () => {
    const trace = join(await mkdtemp(join(tmpdir(), 'pre-')), 'trace');
    const summary = await new BuildRunner({ programs: { podman: 'sh' } }).run(
      plan(trace, 'echo broken >&2; exit 7'),
      {},
    );
    assert.equal(summary.ok, false);
    assert.deepEqual(
      summary.records.map((r) => [r.variant, r.status]),
      [
        ['a', 'failed'],
        ['b', 'failed'],
      ],
    );
    assert.match(summary.outcomes[0]!.problem!.message, /^building the shared stage "deps" for linux\/amd64 failed: /);
    await assert.rejects(readFile(trace, 'utf8'), /ENOENT/);
  });

  it('split jobs: a platform builds as soon as its own warm-up ends, while the other warm-up still runs; then the list', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pre-'));
    const trace = join(dir, 'trace');
    const fifo = join(dir, 'fifo');
    await execFileP('mkfifo', [fifo]);
    const [amd, armP] = ['linux/amd64', 'linux/arm64'];
    // What podman's --iidfile writes: `sha256:` and the id.
    const iid = (variant: string, arch: string) => join(dir, 'parts', `${variant}-${arch}.iid`);
    const id = (variant: string, arch: string) =>
      `${variant === 'a' ? 'a' : 'b'}${arch === 'amd64' ? '1' : '2'}`.repeat(32);
    const writeId = (variant: string, arch: string) => `printf sha256:${id(variant, arch)} > ${iid(variant, arch)}`;
    const warmup = (platform: string, script: string) => warmupOf({ dir, platform, variants: ['a', 'b'], script });
    const job = (variant: string) =>
      splitJob({
        dir,
        variant,
        parts: [
          // Variant a's amd64 build lets the arm64 warm-up finish: it can only run while that warm-up waits.
          {
            platform: amd,
            iidfile: iid(variant, 'amd64'),
            script: `echo build-${variant}-amd64 >> ${trace}; ${writeId(variant, 'amd64')}${variant === 'a' ? `; echo go > ${fifo}` : ''}`,
          },
          {
            platform: armP,
            iidfile: iid(variant, 'arm64'),
            script: `echo build-${variant}-arm64 >> ${trace}; ${writeId(variant, 'arm64')}`,
          },
        ],
        after: [
          sh(`echo list-${variant} >> ${trace}`),
          [
            'podman',
            '-c',
            'echo "$@" >> $0',
            trace,
            partImageSource(iid(variant, 'amd64')),
            partImageSource(iid(variant, 'arm64')),
          ],
        ],
      });
    const plan: Plan = {
      engine: 'podman',
      jobs: [job('a'), job('b')],
      warmup: [
        warmup(amd, `echo warm-amd64 >> ${trace}`),
        warmup(armP, `read x < ${fifo}; echo warm-arm64 >> ${trace}`),
      ],
    };
    const running: string[] = [];
    const summary = await new BuildRunner({ programs: { podman: 'sh' }, timeoutMs: 60_000 }).run(plan, {
      onStatus: (c, status) => status === 'running' && running.push(`${c.variant}@${c.platform}`),
    });
    assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
    const lines = (await readFile(trace, 'utf8')).trim().split('\n');
    const at = (line: string) => lines.indexOf(line);
    assert.ok(at('warm-amd64') < at('build-a-amd64') && at('build-a-amd64') < at('warm-arm64'), lines.join(' '));
    for (const v of ['a', 'b']) {
      assert.ok(at('warm-arm64') < at(`build-${v}-arm64`), lines.join(' '));
      assert.ok(Math.max(at(`build-${v}-amd64`), at(`build-${v}-arm64`)) < at(`list-${v}`), lines.join(' '));
    }
    assert.ok(!lines.some((l) => l.startsWith('exit')));
    // The list is made from the ids the parts wrote (podman's --iidfile), and the files are gone afterwards.
    for (const v of ['a', 'b'])
      assert.ok(
        lines.includes(`containers-storage:${id(v, 'amd64')} containers-storage:${id(v, 'arm64')}`),
        lines.join(' '),
      );
    await assert.rejects(readFile(iid('a', 'amd64'), 'utf8'), /ENOENT/);
    assert.ok(running.indexOf('a@linux/amd64') < running.indexOf('a@linux/arm64'));
  });

  /**
   * Runs `jobs(dir, partFifo)` on 2 cores beside an emulated warm-up serving `variants`. Their native builds read
   * from `partFifo` before they end; each write lets one blocked script go on, and the test writes only once it
   * has seen the waiting it expects: the first native build holds the core, let it finish; the waiting one then
   * gets it; then the warm-up ends. Returns the native builds' waits in order.
   */
  async function besideEmulatedWarmup(
    variants: string[],
    jobs: (dir: string, partFifo: string) => Job[],
  ): Promise<string[]> {
    const dir = await mkdtemp(join(tmpdir(), 'pre-'));
    const [warmFifo, partFifo] = [join(dir, 'warm'), join(dir, 'part')];
    for (const f of [warmFifo, partFifo]) await execFileP('mkfifo', [f]);
    const release = (fifo: string) => void execFileP('sh', ['-c', `echo go > ${fifo}`]);
    const warmup = warmupOf({ dir, platform: emulated, variants, script: `read x < ${warmFifo}` });
    const waits: string[] = [];
    const summary = await new BuildRunner({ programs: { podman: 'sh' }, timeoutMs: 60_000, cores: 2 }).run(
      { engine: 'podman', jobs: jobs(dir, partFifo), warmup: [warmup] },
      {
        onWaiting: (cells, reason) => {
          if (cells.length !== 1 || cells[0]!.platform !== native) return;
          waits.push(`${cells[0]!.variant} ${reason ?? 'goes'}`);
          release(partFifo);
          if (!reason) release(warmFifo);
        },
      },
    );
    assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
    assert.equal(waits.length, 2, waits.join(', '));
    return waits;
  }

  /**
   * A "podman" for the pull steps (a script: the runner's ordering is tested, not an engine; test/engines covers
   * podman): the name is absent and the registry index has both platforms; `pull` is the shell that answers a
   * `podman pull` (gatedPull, or the test's own). Warm-ups and builds run their own `-c` scripts.
   */
  async function pullingPodman(dir: string, pull: string): Promise<string> {
    const file = join(dir, 'podman');
    const index = listJson(['amd64', 'arm64']).replaceAll('"', '\\"');
    await writeFile(
      file,
      `#!/bin/sh
echo "$*" >> ${join(dir, 'calls')}
case "$1 $2" in
  "-c "*) exec sh -c "$2" ;;
  "manifest exists") exit 1 ;;
  "image inspect") exit 125 ;;
  "manifest inspect") echo "${index}" ;;
  "pull "*) ${pull} ;;
esac
exit 0
`,
      { mode: 0o755 },
    );
    return file;
  }

  /** A pull whose native platform waits until `gate` exists, then exits with `nativeExit`. */
  function gatedPull(dir: string, gate: string, nativeExit: number): string {
    return `case "$*" in
      *"--platform ${native}"*) i=0; while [ ! -e ${gate} ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
        [ ${nativeExit} = 0 ] || { echo "Error: writing blob: no space left on device"; exit ${nativeExit}; }
        echo "pulled ${native}" >> ${join(dir, 'calls')}; echo ${amd} ;;
      *) echo ${arm} ;;
    esac`;
  }

  /** Two variants split per platform, a warm-up per platform, the base pulled for both: a cold podman plan. */
  function coldPlan(dir: string, emulatedWarmup: string): Plan {
    const image = '127.0.0.1:5000/base/busybox:1';
    const variants = ['a', 'b'];
    const cells = (platform: string) => variants.map((variant) => ({ variant, platform }));
    return {
      engine: 'podman',
      jobs: variants.map((v) => nativeAndEmulated(dir, v)),
      pulls: [native, emulated].map((platform) => ({ image, platform, cells: cells(platform) })),
      warmup: [
        warmupOf({ dir, platform: native, variants, script: 'true' }),
        warmupOf({ dir, platform: emulated, variants, script: emulatedWarmup }),
      ],
    };
  }

  it("cold podman: the emulated platform is pulled first and its warm-up starts while the native platform's pull runs", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pre-'));
    const gate = join(dir, 'emulated-warmup-started');
    const podman = await pullingPodman(dir, gatedPull(dir, gate, 0));
    // The native pull ends only once the emulated warm-up has begun: were warm-ups started after every pull,
    // the pull would give up waiting and the order below would differ.
    const summary = await new BuildRunner({ programs: { podman }, timeoutMs: 60_000 }).run(
      coldPlan(dir, `touch ${gate}`),
      {},
    );
    assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
    const calls = (await readFile(join(dir, 'calls'), 'utf8')).trim().split('\n');
    const at = (re: RegExp) => calls.findIndex((c) => re.test(c));
    assert.ok(at(new RegExp(`^pull .*--platform ${emulated}`)) < at(new RegExp(`^pull .*--platform ${native}`)));
    assert.ok(at(/^-c touch /) < at(new RegExp(`^pulled ${native}`)), calls.join('\n'));
  });

  it('cold podman with warm-ups: the store is listed for what killed builds left, and `podman info` (slow) is not asked when nothing is', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pre-'));
    const gate = join(dir, 'emulated-warmup-started');
    const podman = await pullingPodman(dir, gatedPull(dir, gate, 0));
    const plan = coldPlan(dir, `touch ${gate}`);
    plan.jobs = plan.jobs.map((j) => ({ ...j, staging: { discard: [], marker: `marker-${j.variant}` } }));
    const summary = await new BuildRunner({ programs: { podman }, timeoutMs: 60_000 }).run(plan, {});
    assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
    const calls = (await readFile(join(dir, 'calls'), 'utf8')).trim().split('\n');
    assert.equal(calls.filter((c) => c.startsWith('ps --external')).length, 1, calls.join('\n'));
    assert.deepEqual(
      calls.filter((c) => c.startsWith('info')),
      [],
    );
  });

  it('a pull failing after the emulated warm-up started stops that warm-up; its cells fail, no variant builds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pre-'));
    const gate = join(dir, 'emulated-warmup-started');
    const podman = await pullingPodman(dir, gatedPull(dir, gate, 125));
    const left = join(dir, 'warm-up-finished');
    const pid = join(dir, 'warm-up-pid');
    const summary = await new BuildRunner({ programs: { podman }, timeoutMs: 60_000 }).run(
      coldPlan(dir, `echo $$ > ${pid}; touch ${gate}; sleep 30; touch ${left}`),
      { keepGoing: true },
    );
    assert.equal(summary.ok, false);
    assert.match(
      summary.outcomes[0]!.problem!.message,
      new RegExp(`^pulling \\S+ for ${native} failed: Error: writing blob`),
    );
    // Each job builds both platforms, so every cell fails with the pull.
    assert.deepEqual(
      summary.records.map((r) => r.status),
      ['failed', 'failed', 'failed', 'failed'],
    );
    const calls = (await readFile(join(dir, 'calls'), 'utf8')).trim().split('\n');
    assert.deepEqual(
      calls.filter((c) => c.startsWith('-c ') && !c.includes(gate)),
      [],
      'no variant part ran',
    );
    // The list the run made is gone again, and the stopped warm-up did not run on.
    assert.equal(calls.at(-1), 'manifest rm 127.0.0.1:5000/base/busybox:1');
    await assert.rejects(readFile(left, 'utf8'), /ENOENT/);
    assert.throws(() => process.kill(Number(readFileSync(pid, 'utf8')), 0), /ESRCH/, 'the warm-up is not running');
  });

  it('cold podman without warm-ups: one pull for both platforms when every job builds both; one per platform when a job builds one', async () => {
    const image = '127.0.0.1:5000/base/busybox:1';
    const pulls = async (platformsOf: Record<string, string[]>) => {
      const dir = await mkdtemp(join(tmpdir(), 'pre-'));
      // Each reference pulled prints an image id, as `podman pull -q` does.
      const podman = await pullingPodman(dir, `for a in "$@"; do case "$a" in *@sha256:*) echo ${amd} ;; esac; done`);
      const jobs = Object.entries(platformsOf).map(([variant, platforms]): Job => ({
        id: variant,
        engine: 'podman',
        variant,
        platforms,
        output: 'load',
        tags: [`app:${variant}`],
        argv: sh('true'),
        program: 'podman',
        cwd: dir,
      }));
      const cells = (platform: string) =>
        jobs.filter((j) => j.platforms.includes(platform)).map((j) => ({ variant: j.variant, platform }));
      const plan: Plan = {
        engine: 'podman',
        jobs,
        pulls: [emulated, native].map((platform) => ({ image, platform, cells: cells(platform) })),
      };
      const summary = await new BuildRunner({ programs: { podman }, timeoutMs: 60_000 }).run(plan, {});
      assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
      const calls = (await readFile(join(dir, 'calls'), 'utf8')).trim().split('\n');
      return calls.filter((c) => c.startsWith('pull ')).map((c) => c.replace(/sha256:\d+/g, 'DIGEST'));
    };
    const repo = '127.0.0.1:5000/base/busybox';
    assert.deepEqual(await pulls({ a: [native, emulated], b: [native, emulated] }), [
      `pull -q --tls-verify=false ${repo}@DIGEST ${repo}@DIGEST`,
    ]);
    // A one-platform job may start once its own platform is pulled.
    assert.deepEqual(await pulls({ a: [native, emulated], b: [native] }), [
      `pull -q --tls-verify=false --platform ${emulated} ${repo}@DIGEST`,
      `pull -q --tls-verify=false --platform ${native} ${repo}@DIGEST`,
    ]);
  });

  it("without warm-ups, one job per platform: the emulated platform's first job takes the first slot, its others come after the native jobs", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pre-'));
    const job = (variant: string, platform: string): Job => ({
      id: `${variant}@${platform}`,
      engine: 'docker',
      variant,
      platforms: [platform],
      output: 'load',
      tags: [`app:${variant}`],
      argv: ['docker', '-c', 'true'],
      program: 'docker',
      cwd: dir,
    });
    const jobs = ['a', 'b', 'c'].flatMap((v) => [job(v, native), job(v, emulated)]);
    const started: string[] = [];
    const summary = await new BuildRunner({ programs: { docker: 'sh' }, timeoutMs: 60_000, concurrency: 1 }).run(
      { engine: 'docker', jobs },
      { onCommand: (j) => void started.push(j.id) },
    );
    assert.equal(summary.ok, true);
    assert.deepEqual(started, [
      `a@${emulated}`,
      `a@${native}`,
      `b@${native}`,
      `c@${native}`,
      `b@${emulated}`,
      `c@${emulated}`,
    ]);
    // The outcomes keep the plan's order.
    assert.deepEqual(
      summary.outcomes.map((o) => o.job.id),
      jobs.map((j) => j.id),
    );
  });

  it('split jobs on 2 cores: while the emulated warm-up runs, the native parts take one core between them and the waiting one says so', async () => {
    const waits = await besideEmulatedWarmup(['a', 'b'], (dir, fifo) =>
      ['a', 'b'].map((v) => nativeAndEmulated(dir, v, `read x < ${fifo}; `)),
    );
    assert.match(waits[0]!, new RegExp(`^[ab] ${WAITING_FOR_CORE}$`));
    assert.equal(waits[1], `${waits[0]!.split(' ')[0]} goes`);
  });

  it('a one-platform native job on 2 cores also leaves the emulated warm-up its core: one native build at a time beside it', async () => {
    // A variant built for the native platform only is one plain job, not split: it gets the same limit.
    const waits = await besideEmulatedWarmup(['a'], (dir, fifo) => [
      nativeAndEmulated(dir, 'a', `read x < ${fifo}; `),
      {
        id: 'k',
        engine: 'podman',
        variant: 'k',
        platforms: [native],
        output: 'load',
        tags: ['app:k'],
        argv: sh(`read x < ${fifo}`),
        program: 'podman',
        cwd: dir,
      },
    ]);
    assert.match(waits[0]!, new RegExp(`^[ak] ${WAITING_FOR_CORE}$`));
    assert.equal(waits[1], `${waits[0]!.split(' ')[0]} goes`);
  });

  it('split jobs on 2 cores: when the emulated warm-up ends, its parts take the slots before the native part that waited for the reserve', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pre-'));
    const [warmFifo, partFifo] = [join(dir, 'warm'), join(dir, 'part')];
    for (const f of [warmFifo, partFifo]) await execFileP('mkfifo', [f]);
    const release = (fifo: string) => void execFileP('sh', ['-c', `echo go > ${fifo}`]);
    const variants = ['a', 'b'];
    const warmup = warmupOf({ dir, platform: emulated, variants, script: `read x < ${warmFifo}` });
    // The first native part to start holds its slot until three parts have started; the other one waits for
    // the reserve meanwhile (the emulated warm-up keeps a core).
    const jobs = variants.map((variant) =>
      splitJob({
        dir,
        variant,
        parts: [native, emulated].map((platform, i) => {
          const iidfile = join(dir, `${variant}-${i}.iid`);
          const hold =
            platform === native ? `if mkdir ${join(dir, 'first')} 2>/dev/null; then read x < ${partFifo}; fi; ` : '';
          return { platform, iidfile, script: `: part ${platform}; ${hold}printf sha256:%064d 0 > ${iidfile}` };
        }),
      }),
    );
    const started: string[] = [];
    const summary = await new BuildRunner({ programs: { podman: 'sh' }, timeoutMs: 60_000, cores: 2 }).run(
      { engine: 'podman', jobs, warmup: [warmup] },
      {
        onWaiting: (_cells, reason) => {
          if (reason === WAITING_FOR_CORE) release(warmFifo);
        },
        onCommand: (_job, argv) => {
          const part = / part (\S+);/.exec(argv.join(' '))?.[1];
          if (!part) return;
          started.push(part === native ? 'native' : 'emulated');
          if (started.length === 3) release(partFifo);
        },
      },
    );
    assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
    assert.deepEqual(started, ['native', 'emulated', 'emulated', 'native']);
  });

  it("split jobs: a part waiting for its warm-up holds no build slot, so the other variants' native parts build meanwhile", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pre-'));
    const fifo = join(dir, 'warm');
    await execFileP('mkfifo', [fifo]);
    const variants = ['a', 'b', 'c'];
    const job = (variant: string) => nativeAndEmulated(dir, variant);
    // The emulated warm-up ends only once every variant's native part has run. With one slot, a job that held
    // it while its emulated part waited would keep the others' native parts queued until the timeout.
    const warmup = warmupOf({ dir, platform: emulated, variants, script: `read x < ${fifo}` });
    const nativeRan = new Set<string>();
    const order: string[] = [];
    const summary = await new BuildRunner({
      programs: { podman: 'sh' },
      timeoutMs: 10_000,
      concurrency: 1,
      cores: 8,
    }).run(
      { engine: 'podman', jobs: variants.map(job), warmup: [warmup] },
      {
        onStatus: (c, status) => {
          if (status !== 'running') return;
          order.push(`${c.variant}@${c.platform === native ? 'native' : 'emulated'}`);
          if (c.platform !== native) return;
          nativeRan.add(c.variant);
          if (nativeRan.size === variants.length) void execFileP('sh', ['-c', `echo go > ${fifo}`]);
        },
      },
    );
    assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
    assert.deepEqual(order.slice(0, 3).sort(), ['a@native', 'b@native', 'c@native']);
    assert.deepEqual(order.slice(3).sort(), ['a@emulated', 'b@emulated', 'c@emulated']);
  });

  it('split jobs: a failed part stops its sibling (cancelled) and fails the job without running the list step', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pre-'));
    const trace = join(dir, 'trace');
    const fifo = join(dir, 'fifo');
    await execFileP('mkfifo', [fifo]);
    const job: Job = {
      id: 'a',
      engine: 'podman',
      variant: 'a',
      platforms: ['linux/amd64', 'linux/arm64'],
      output: 'load',
      tags: ['app:a'],
      argv: ['sh', '-c', 'exit 9'],
      cwd: dir,
      parts: [
        {
          platform: 'linux/amd64',
          iidfile: join(dir, 't-amd64.iid'),
          argv: ['sh', '-c', `echo broken >&2; echo go > ${fifo}; exit 3`],
        },
        // Blocks until the failing part has run, then would block forever: only being stopped ends it.
        {
          platform: 'linux/arm64',
          iidfile: join(dir, 't-arm64.iid'),
          argv: ['sh', '-c', `read x < ${fifo}; exec cat ${fifo}`],
        },
      ],
      after: [['sh', '-c', `echo list >> ${trace}`]],
    };
    const summary = await new BuildRunner({ timeoutMs: 60_000 }).run({ engine: 'podman', jobs: [job] }, {});
    assert.equal(summary.ok, false);
    assert.deepEqual(
      summary.records.map((r) => [r.platform, r.status, r.exitCode]),
      [
        ['linux/amd64', 'failed', 3],
        ['linux/arm64', 'cancelled', undefined],
      ],
    );
    await assert.rejects(readFile(trace, 'utf8'), /ENOENT/);
  });
});
