import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../src/core/config/loadConfig';
import type { ResolvedConfig } from '../../src/core/config/types';
import { runTool, type ToolResult } from '../../src/core/engines/exec';
import type { BuildRunner } from '../../src/core/build/runner';
import { buildPlan } from '../../src/core/matrix/plan';
import type { EngineKind } from '../../src/core/jobs';
import { parseReference } from '../../src/core/reference';
import {
  markPodmanStores,
  removeFromRegistry,
  removeImages,
  removeMadeSince,
  removeRepositoryFolder,
  type StoreMark,
} from './cleanup';

export const repoRoot = resolve(__dirname, '..', '..');
export const envFile = join(repoRoot, '.cache', 'engines.env');

/** The environment scripts/setup/20-engines.sh wrote: DOCKER_HOST, CONTAINERS_*_CONF, MULTIARCH_*. */
export function engineEnv(): NodeJS.ProcessEnv {
  if (!existsSync(envFile)) {
    throw new Error(`${envFile} is missing: run "bash scripts/setup/20-engines.sh" as root first (npm test does)`);
  }
  const vars: Record<string, string> = {};
  for (const line of readFileSync(envFile, 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) vars[m[1]!] = m[2]!;
  }
  return { ...process.env, ...vars };
}

export const env = engineEnv();

// Every engine test file imports this module, so these are root hooks of the mocha run (one file or the whole
// engines part): what the run's builds left in the podman stores without a name (each step's layer image, the
// stages other stages copy from, a failed build's finished steps) goes when it ends; what they held before
// stays (cleanup.ts madeSince). Not under mocha (bench/ imports this too) there are no hooks.
if (typeof before === 'function' && typeof after === 'function') {
  let marks: StoreMark[] = [];
  before(async () => {
    marks = await markPodmanStores(env);
  });
  after(async function () {
    this.timeout(600_000);
    for (const [store, ids] of Object.entries(await removeMadeSince(marks, env)))
      if (ids.length) console.log(`  removed ${ids.length} unnamed image(s) the run's builds left in ${store}`);
  });
}
export const docker = env.MULTIARCH_DOCKER ?? '/usr/bin/docker';
export const registry = env.MULTIARCH_REGISTRY ?? '127.0.0.1:5000';
/** The busybox base (linux/amd64 + linux/arm64) setup pushes to the local registry. */
export const baseImage = env.MULTIARCH_BASE_IMAGE ?? `${registry}/multiarch/busybox:1`;
/** The Python base (Debian bookworm, linux/amd64 + linux/arm64) scripts/setup/30-python-base.sh pushes. */
export const pythonBaseImage = env.MULTIARCH_PYTHON_BASE_IMAGE ?? `${registry}/multiarch/python:3.11-bookworm`;

/** A unique tag per run so parallel or repeated runs never see each other's images. */
export const runTag = `t${process.pid}${Date.now().toString(36)}`;

/** The workspace copies this process made: removed when it exits, as its images are by each test's clean-up. */
const workspaces: string[] = [];
process.once('exit', () => {
  for (const dir of workspaces) rmSync(dir, { recursive: true, force: true });
});

/** A new temp folder for a workspace copy, removed when the process exits. */
async function workspaceDir(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `${name}-`));
  workspaces.push(dir);
  return dir;
}

/**
 * A temp copy of test/fixtures/<fixture> (default multiarch-app) with the busybox root filesystems the
 * setup prepared, and its multiarch.yaml adjusted by `edit`. Returns the resolved config.
 */
export async function fixtureWorkspace(
  edit: (yaml: string) => string = (y) => y,
  fixture = 'multiarch-app',
): Promise<ResolvedConfig> {
  const dir = await workspaceDir(fixture);
  await cp(join(repoRoot, 'test', 'fixtures', fixture), dir, { recursive: true });
  const rootfs = env.MULTIARCH_ROOTFS_DIR!;
  for (const arch of ['amd64', 'arm64'])
    await cp(join(rootfs, arch), join(dir, `rootfs-${arch}`), { recursive: true, verbatimSymlinks: true });
  const file = join(dir, 'multiarch.yaml');
  const yaml = edit((await readFile(file, 'utf8')).replace(/^tag: .*$/m, `tag: ${runTag}`));
  await writeFile(file, yaml);
  const r = parseConfig(yaml, file);
  if (!r.ok) throw new Error(`fixture config invalid: ${JSON.stringify(r.problems)}`);
  return r.config;
}

export type Project = 'shared-base' | 'heavy-shared' | 'python-service' | 'queue-service';

/**
 * A temp copy of test/fixtures/projects/<name> (see its README) with this run's tag, built FROM `base`
 * (default: the base setup pushed for it; pass `await pushColdBase()` for a base no image store has seen).
 */
export async function projectWorkspace(
  name: Project,
  base = name === 'python-service' ? pythonBaseImage : baseImage,
  edit: (yaml: string) => string = (y) => y,
): Promise<ResolvedConfig> {
  const dir = await workspaceDir(name);
  await cp(join(repoRoot, 'test', 'fixtures', 'projects', name), dir, { recursive: true });
  const file = join(dir, 'multiarch.yaml');
  const yaml = edit(
    `${(await readFile(file, 'utf8')).replace(/^tag: .*$/m, `tag: ${runTag}`)}args:\n  BASE_IMAGE: ${base}\n`,
  );
  await writeFile(file, yaml);
  const r = parseConfig(yaml, file);
  if (!r.ok) throw new Error(`fixture config invalid: ${JSON.stringify(r.problems)}`);
  return r.config;
}

const coldBases: string[] = [];

/**
 * Pushes a copy of the busybox base (or of `from`, e.g. the Python base), made unique by one extra file,
 * under a repository name of its own (`<registry>/cold/<runTag>-<n>/<name>`) and returns its reference.
 * Nothing has pulled it yet, so a build FROM it starts cold in every engine's store, whatever other runs
 * cached. Built with podman in a throwaway store (COPY only, no emulation), which is removed afterwards;
 * `removeColdBases` deletes every one pushed from the registry and from this machine's stores.
 */
export async function pushColdBase(from?: string): Promise<string> {
  const ref = `${registry}/cold/${runTag}-${coldBases.length + 1}/${from ? 'python:3' : 'busybox:1'}`;
  coldBases.push(ref);
  const dir = await mkdtemp(join(tmpdir(), 'cold-base-'));
  try {
    if (!from) {
      for (const arch of ['amd64', 'arm64']) {
        await cp(join(env.MULTIARCH_ROOTFS_DIR!, arch), join(dir, `rootfs-${arch}`), {
          recursive: true,
          verbatimSymlinks: true,
        });
      }
    }
    await writeFile(join(dir, 'run-id'), `${ref}\n`);
    await writeFile(
      join(dir, 'Dockerfile'),
      from
        ? `FROM ${from}\nCOPY run-id /etc/multiarch-run-id\n`
        : 'FROM scratch\nARG TARGETARCH\nCOPY rootfs-${TARGETARCH}/ /\nCOPY run-id /etc/multiarch-run-id\nCMD ["/bin/sh"]\n',
    );
    // A large base is copied whole per layer by vfs; overlay needs its layers removed before the folder goes.
    await writeFile(
      join(dir, 'storage.conf'),
      `[storage]\ndriver = "${from ? 'overlay' : 'vfs'}"\ngraphroot = "${dir}/graph"\nrunroot = "${dir}/run"\n`,
    );
    const local = { ...env, CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf') };
    for (const argv of [
      ['podman', 'build', '-q', '--platform', 'linux/amd64,linux/arm64', '--manifest', 'cold-base', dir],
      ['podman', 'manifest', 'push', '-q', '--all', '--tls-verify=false', 'cold-base', `docker://${ref}`],
    ]) {
      const r = await runTool(argv, { env: local, timeoutMs: 300_000 });
      if (!r.ok) throw new Error(`${argv.join(' ')} failed (${r.exitCode ?? r.spawnError}): ${r.stderr || r.stdout}`);
    }
    return ref;
  } finally {
    if (from)
      await runTool(['podman', 'rmi', '-a', '-f'], {
        env: { ...env, CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf') },
      });
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A registry repository only this run pushed to (its name carries `runTag`): every tag deleted, then the folder
 * the run made (`folder`, by default the repository: `lint/<runTag>` for `lint/<runTag>/amd64-only`) removed from
 * the registry's storage, so the catalog does not keep the name with no tag after the run.
 */
export async function removeRunRepository(ref: string, folder?: string): Promise<void> {
  const { path, tag } = parseReference(ref);
  if (!(folder ?? path).includes(runTag)) throw new Error(`${folder ?? path} is not a repository of this run`);
  await removeFromRegistry(tag ? ref.slice(0, -(tag.length + 1)) : ref);
  await removeRepositoryFolder(env.MULTIARCH_STATE, folder ?? path);
}

/**
 * Deletes a base pushColdBase pushed from the registry and from this machine's podman and dockerd stores,
 * which pulled it for builds (podman as a list of the platforms pulled).
 */
export async function removeColdBase(ref: string): Promise<void> {
  await removeBuiltImages('podman', env.MULTIARCH_PODMAN ?? 'podman', [ref]);
  await runTool([docker, 'rmi', ref], { env });
  // With the run's own folder under cold/ (`cold/<runTag>-<n>`), so the catalog does not keep its name.
  await removeRunRepository(ref, parseReference(ref).path.split('/').slice(0, 2).join('/'));
  const i = coldBases.indexOf(ref);
  if (i >= 0) coldBases.splice(i, 1);
}

/** removeColdBase for every base pushed and not removed yet (for an `after` hook). */
export async function removeColdBases(): Promise<void> {
  for (const ref of [...coldBases]) await removeColdBase(ref);
}

export async function tool(argv: string[], timeoutMs = 60_000): Promise<ToolResult> {
  const r = await runTool(argv, { env, timeoutMs });
  if (!r.ok) throw new Error(`${argv.join(' ')} failed (${r.exitCode ?? r.spawnError}): ${r.stderr || r.stdout}`);
  return r;
}

export const unameFor: Record<string, string> = { 'linux/amd64': 'x86_64', 'linux/arm64': 'aarch64' };

/** Pids of live processes whose argv passes `test` (read from /proc, for orphan checks). */
export function processesWhere(test: (argv: string[]) => boolean): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0$/, '').split('\0');
      const state = /^\d+ \(.*\) (\S)/.exec(readFileSync(`/proc/${name}/stat`, 'utf8'))?.[1];
      if (state !== 'Z' && test(argv)) out.push(Number(name));
    } catch {
      // the process exited while we looked
    }
  }
  return out;
}

/** Pids of processes whose argv is exactly `argv`. */
export function processesWithArgv(argv: string[]): number[] {
  const want = argv.join('\0');
  return processesWhere((a) => a.join('\0') === want);
}

/** Polls `check` until it holds or `ms` pass; for state outside this process (daemons cleaning up). */
export async function eventually(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts a build whose RUN step sleeps, waits until the `sleep` process exists, cancels, and returns the
 * statuses the runner reported, the marker that identifies the sleep (`sleep <marker>`) for orphan checks
 * and the tags the build was planned under (for removeBuiltImages).
 */
export async function cancelDuringLongRun(
  engine: EngineKind,
  runner: BuildRunner,
): Promise<{ statuses: string[]; marker: string; tags: string[] }> {
  const config = await fixtureWorkspace();
  const marker = `${process.pid}${Date.now() % 100000}`;
  await writeFile(
    join(config.root, 'Dockerfile'),
    `FROM scratch\nARG TARGETARCH\nCOPY rootfs-\${TARGETARCH}/ /\nRUN echo sleeping-now && sleep ${marker}\n`,
  );
  const plan = buildPlan(config, { engine, variants: ['minimal'], platforms: ['linux/amd64'] });
  const ac = new AbortController();
  let output = '';
  let sawSleep!: () => void;
  const sleeping = new Promise<void>((r) => (sawSleep = r));
  const run = runner.run(plan, {
    config,
    signal: ac.signal,
    onOutput: (_j, t) => {
      output += t;
      if (output.includes('sleeping-now')) sawSleep();
    },
  });
  await sleeping;
  await eventually(() => processesWithArgv(['sleep', marker]).length > 0, 10_000, 'the RUN step to start sleep');
  ac.abort();
  const summary = await run;
  return { statuses: summary.records.map((r) => r.status), marker, tags: plan.jobs.flatMap((j) => j.tags) };
}

/** removeImages (./cleanup) with the engine tests' environment and registry. */
export const removeBuiltImages = (engine: EngineKind, program: string, tags: Iterable<string>): Promise<void> =>
  removeImages(engine, program, tags, env, registry);
