/**
 * `multiarch lint` of a 1,000-variant project (the config limit) on this machine's engines: how long it takes,
 * how many podman/docker processes it starts and how many run at once, and how long it takes to exit after
 * Ctrl+C. Each variant names a base image of its own (`FROM $BASE:$VERSION`, none of them in the local
 * registry, so each look-up gets a 404) or, with --images 3, one of three.
 *   node --import tsx bench/lint-variants.ts [--images N] [--sigint-after S] [--cli path/to/src/cli/main.ts]
 * --cli runs another checkout's CLI (the code before a change) with this bench's project and counters. podman
 * gets an image store of its own (empty: a store podman cannot list makes every look-up ask per image).
 * Needs scripts/setup/20-engines.sh (root).
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { env as baseEnv, registry, repoRoot } from '../test/engines/helpers';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const images = Number(arg('--images') ?? 1000);
const sigintAfter = arg('--sigint-after');
const cli = arg('--cli') ?? join(repoRoot, 'src', 'cli', 'main.ts');

/** Logs each call's start and end (ms) so the calls at once can be counted from outside. */
const wrapper = (engine: string, real: string, log: string) => `#!/bin/sh
s=$(date +%s%3N)
"${real}" "$@"
rc=$?
printf '%s %s %s-%s\\n' "$s" "$(date +%s%3N)" ${engine} "$1" >> "${log}"
exit $rc
`;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'lint-variants-'));
  const log = join(dir, 'calls.log');
  try {
    await writeFile(
      join(dir, 'storage.conf'),
      `[storage]\ndriver = "overlay"\ngraphroot = "${dir}/graph"\nrunroot = "${dir}/run"\n`,
    );
    for (const engine of ['podman', 'docker'] as const) {
      const real =
        engine === 'podman' ? (baseEnv.MULTIARCH_PODMAN ?? 'podman') : (baseEnv.MULTIARCH_DOCKER ?? 'docker');
      await writeFile(join(dir, engine), wrapper(engine, real, log));
      await chmod(join(dir, engine), 0o755);
    }
    await writeFile(
      join(dir, 'Dockerfile'),
      `ARG VERSION=1\nFROM ${registry}/lint-bench/base:\${VERSION}\nCMD ["sh"]\n`,
    );
    const variants = Array.from(
      { length: 1000 },
      (_, i) => `  v${i}:\n    args:\n      VERSION: "v${i % images}"\n      N: "${i}"\n`,
    );
    await writeFile(
      join(dir, 'multiarch.yaml'),
      `image: ${registry}/lint-bench/app\nplatforms: [linux/amd64, linux/arm64]\nvariants:\n${variants.join('')}`,
    );
    const { execa } = await import('execa'); // ESM-only package, loaded from CommonJS
    const tsx = pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const t0 = Date.now();
    const child = execa(process.execPath, ['--import', tsx, cli, 'lint'], {
      cwd: dir,
      env: {
        ...baseEnv,
        NODE_OPTIONS: '',
        CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf'),
        MULTIARCH_PODMAN: join(dir, 'podman'),
        MULTIARCH_DOCKER: join(dir, 'docker'),
      },
      reject: false,
      timeout: 900_000,
    });
    let signalled: number | undefined;
    if (sigintAfter) {
      setTimeout(
        () => {
          signalled = Date.now();
          child.kill('SIGINT');
        },
        Number(sigintAfter) * 1000,
      );
    }
    const r = await child;
    const end = Date.now();
    const calls = (await readFile(log, 'utf8').catch(() => ''))
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ').map((x, i) => (i < 2 ? Number(x) : x)) as [number, number, string]);
    // The most calls running at one moment: +1 at each start, −1 at each end, in time order.
    const edges = calls
      .flatMap(([s, e]) => [[s, 1] as const, [e, -1] as const])
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let now = 0;
    let most = 0;
    for (const [, d] of edges) most = Math.max(most, (now += d));
    const kinds = new Map<string, number>();
    for (const [, , kind] of calls) kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    console.log(
      `${cli === join(repoRoot, 'src', 'cli', 'main.ts') ? 'this checkout' : cli}: 1,000 variants × 2 platforms, ${images} distinct base images, load average ${loadavg()[0]!.toFixed(1)}`,
    );
    console.log(
      `  exit ${r.exitCode ?? r.signal} after ${((end - t0) / 1000).toFixed(1)} s${signalled ? `, ${((end - signalled) / 1000).toFixed(2)} s after SIGINT (sent at ${sigintAfter} s)` : ''}`,
    );
    console.log(
      `  engine processes that finished: ${calls.length} (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}); at most ${most} at once`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
