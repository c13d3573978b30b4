/**
 * Build All Architectures versus a shell loop, same engine (podman), same cold cache, one run.
 *   npx tsx bench/build-all.ts [--rounds N]
 * The matrix is test/fixtures/multiarch-app: 3 variants × linux/amd64 + linux/arm64 (arm64 under QEMU).
 * "Loop" is what a hand-written script does: one `podman build --platform … --manifest …` per variant,
 * one after another. "Build All" is this project's plan run by BuildRunner, variants in parallel.
 * Each measurement starts from an empty image store of its own, so neither side sees the other's cache.
 * Needs scripts/setup/20-engines.sh (root): reads .cache/engines.env.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BuildRunner } from '../src/core/build/runner';
import { runProcess } from '../src/core/build/runProcess';
import { parseConfig } from '../src/core/config/loadConfig';
import type { ResolvedConfig } from '../src/core/config/types';
import { shellQuote } from '../src/core/engines/shellQuote';
import { buildPlan } from '../src/core/matrix/plan';

const repo = resolve(__dirname, '..');

function engineEnv(): NodeJS.ProcessEnv {
  const file = join(repo, '.cache', 'engines.env');
  if (!existsSync(file)) throw new Error(`${file} missing: run "bash scripts/setup/20-engines.sh" as root first`);
  const vars = Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!, m[2]!]),
  );
  return { ...process.env, ...vars };
}

/** A fixture copy plus a podman store of its own (cold cache), and the env that points podman at it. */
async function coldWorkspace(base: NodeJS.ProcessEnv, label: string): Promise<{ config: ResolvedConfig; env: NodeJS.ProcessEnv; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `bench-${label}-`));
  const ws = join(dir, 'ws');
  await cp(join(repo, 'test', 'fixtures', 'multiarch-app'), ws, { recursive: true });
  for (const arch of ['amd64', 'arm64']) {
    await cp(join(base.MULTIARCH_ROOTFS_DIR!, arch), join(ws, `rootfs-${arch}`), { recursive: true, verbatimSymlinks: true });
  }
  const storage = join(dir, 'storage.conf');
  await writeFile(storage, `[storage]\ndriver = "overlay"\ngraphroot = "${dir}/graph"\nrunroot = "${dir}/run"\n`);
  const file = join(ws, 'multiarch.yaml');
  const parsed = parseConfig(await readFile(file, 'utf8'), file);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const env = { ...base, CONTAINERS_STORAGE_CONF: storage };
  const cleanup = async () => {
    await runProcess(['podman', 'system', 'reset', '--force'], { cwd: ws, env });
    await rm(dir, { recursive: true, force: true });
  };
  return { config: parsed.config, env, cleanup };
}

async function buildAll(base: NodeJS.ProcessEnv): Promise<number> {
  const { config, env, cleanup } = await coldWorkspace(base, 'all');
  try {
    const plan = buildPlan(config, { engine: 'podman', canLoadManifestList: true });
    const t = performance.now();
    const summary = await new BuildRunner({ env, concurrency: plan.jobs.length }).run(plan, { config });
    const ms = performance.now() - t;
    if (!summary.ok) throw new Error(`Build All failed: ${JSON.stringify(summary.outcomes.map((o) => o.problem))}`);
    return ms;
  } finally {
    await cleanup();
  }
}

async function shellLoop(base: NodeJS.ProcessEnv): Promise<number> {
  const { config, env, cleanup } = await coldWorkspace(base, 'loop');
  try {
    // The same podman commands the plan runs, written as the for-loop a build script would have.
    const lines = buildPlan(config, { engine: 'podman', canLoadManifestList: true }).jobs.map((j) => j.argv.map(shellQuote).join(' '));
    const script = `set -e\n${lines.join('\n')}\n`;
    const t = performance.now();
    const r = await runProcess(['sh', '-c', script], { cwd: config.root, env });
    const ms = performance.now() - t;
    if (r.exitCode !== 0) throw new Error(`loop failed: ${r.output.slice(-2000)}`);
    return ms;
  } finally {
    await cleanup();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '1' } } });
  const rounds = Number(values.rounds);
  const env = engineEnv();
  console.log('bench/build-all: 3 variants × linux/amd64,linux/arm64 of test/fixtures/multiarch-app, podman, cold store each run');
  for (let i = 1; i <= rounds; i++) {
    const loop = await shellLoop(env);
    const all = await buildAll(env);
    console.log(`round ${i}: sequential per-variant loop ${(loop / 1000).toFixed(1)} s, Build All ${(all / 1000).toFixed(1)} s, ratio ${(loop / all).toFixed(2)}×`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
