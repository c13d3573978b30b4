/**
 * Per-architecture sizes of 8 variants × 2 platforms, read from real OCI exports, next to the engine's
 * own inspection of the same images, in one run.
 *   npx tsx bench/sizes.ts [--rounds N]
 * The images: test/fixtures/multiarch-app built by podman for linux/amd64 + linux/arm64 (QEMU) as 8
 * variants (v1…v8), each exported with `podman manifest push --all` as an OCI layout and an OCI archive.
 * Ours: readOciSizes over the 8 layouts (index → nested index → manifests + configs), and over the
 * 8 archives. Peers: `skopeo inspect --raw oci:<layout>` (index only, one process per variant) and
 * `podman manifest inspect <list>` (one process per variant) — what a script would call to get the same
 * per-platform manifests. Needs scripts/setup/20-engines.sh (root): reads .cache/engines.env.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readOciSizes } from '../src/core/sizes/ociSizes';
import { runTool, toolOutput } from '../src/core/engines/exec';
import { messageOf } from '../src/core/errors';
import { median } from './stats';

const repo = resolve(__dirname, '..');
const VARIANTS = ['v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8'];
const PLATFORMS = 'linux/amd64,linux/arm64';

function engineEnv(): Record<string, string | undefined> {
  const file = join(repo, '.cache', 'engines.env');
  if (!existsSync(file)) throw new Error(`${file} missing: run "bash scripts/setup/20-engines.sh" as root first`);
  const vars: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) vars[m[1]!] = m[2]!;
  }
  return { ...process.env, ...vars };
}

async function timed(fn: () => Promise<unknown>, rounds: number): Promise<{ first: number; median: number }> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return { first: times[0]!, median: median(times.slice(1).length ? times.slice(1) : times) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' } } });
  const rounds = Math.max(2, Number(values.rounds));
  const env = engineEnv();
  const podman = env.MULTIARCH_PODMAN || 'podman';
  const dir = await mkdtemp(join(tmpdir(), 'bench-sizes-'));
  const ws = join(dir, 'ws');
  const names = VARIANTS.map((v) => `localhost/bench-sizes-${process.pid}:${v}`);
  try {
    await cp(join(repo, 'test', 'fixtures', 'multiarch-app'), ws, { recursive: true });
    for (const arch of ['amd64', 'arm64'])
      await cp(join(env.MULTIARCH_ROOTFS_DIR!, arch), join(ws, `rootfs-${arch}`), {
        recursive: true,
        verbatimSymlinks: true,
      });
    await writeFile(
      join(ws, 'Dockerfile'),
      (await readFile(join(ws, 'Dockerfile'), 'utf8')) + 'ARG PAD=0\nRUN head -c "$PAD" /dev/zero > /pad\n',
    );
    await mkdir(join(dir, 'layout'));
    await mkdir(join(dir, 'archive'));
    const build = Date.now();
    for (const [i, v] of VARIANTS.entries()) {
      const name = names[i]!;
      // Different sizes per variant (PAD bytes), so the sums are not all the same number.
      await toolOutput(
        runTool,
        [
          podman,
          'build',
          '--platform',
          PLATFORMS,
          '--manifest',
          name,
          '--build-arg',
          `QUEUE_BACKEND=${v}`,
          '--build-arg',
          `PAD=${(i + 1) * 100_000}`,
          ws,
        ],
        { env, timeoutMs: 600_000 },
      );
      await toolOutput(runTool, [podman, 'manifest', 'push', '--all', name, `oci:${join(dir, 'layout', v)}`], {
        env,
        timeoutMs: 120_000,
      });
      await toolOutput(
        runTool,
        [podman, 'manifest', 'push', '--all', name, `oci-archive:${join(dir, 'archive', `${v}.tar`)}`],
        { env, timeoutMs: 120_000 },
      );
    }
    console.log(
      `built and exported ${VARIANTS.length} variants × 2 platforms in ${((Date.now() - build) / 1000).toFixed(1)} s`,
    );

    const layouts = VARIANTS.map((v) => join(dir, 'layout', v));
    const archives = VARIANTS.map((v) => join(dir, 'archive', `${v}.tar`));
    let cells = 0;
    const ours = await timed(async () => {
      const all = await Promise.all(layouts.map((p) => readOciSizes(p)));
      cells = all.reduce((n, r) => n + r.images.length, 0);
    }, rounds);
    const oursArchive = await timed(() => Promise.all(archives.map((p) => readOciSizes(p))), rounds);
    const skopeo = await timed(
      () => Promise.all(layouts.map((p) => toolOutput(runTool, ['skopeo', 'inspect', '--raw', `oci:${p}`], { env }))),
      rounds,
    );
    const podmanInspect = await timed(
      () => Promise.all(names.map((n) => toolOutput(runTool, [podman, 'manifest', 'inspect', n], { env }))),
      rounds,
    );

    const sample = await readOciSizes(layouts[7]!);
    console.log(
      `sample (${VARIANTS[7]}): ${sample.images.map((i) => `${i.platform} ${i.compressed} B in ${i.layers} layers`).join(', ')}`,
    );
    console.log(
      `\n${cells} cells (${VARIANTS.length} variants × 2 platforms), ${rounds} rounds; median of the warm rounds, first round in ()`,
    );
    const row = (label: string, t: { first: number; median: number }): string =>
      `  ${label.padEnd(52)} ${t.median.toFixed(1).padStart(8)} ms  (${t.first.toFixed(1)} ms)  ${(t.median / ours.median).toFixed(1).padStart(6)}× ours`;
    console.log(row('ours: readOciSizes, 8 OCI layouts', ours));
    console.log(row('ours: readOciSizes, 8 OCI archives (tar headers only)', oursArchive));
    console.log(row('peer: skopeo inspect --raw oci:<layout> ×8 (index only)', skopeo));
    console.log(row('peer: podman manifest inspect <list> ×8 (index only)', podmanInspect));
    console.log(
      `\ntarget: ours < 50 ms for all ${cells} cells: ${ours.median < 50 ? 'met' : 'NOT met'} (${ours.median.toFixed(1)} ms)`,
    );
  } finally {
    for (const n of names) await runTool([podman, 'manifest', 'rm', n], { env }).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(messageOf(err));
  process.exitCode = 1;
});
