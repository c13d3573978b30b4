import { strict as assert } from 'node:assert';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { docker, env, registry, removeRunRepository, repoRoot, runTag } from './helpers';
import { runTool } from '../../src/core/engines/exec';

/** `multiarch lint` as a user runs it, from the project folder (sources run through tsx). */
async function multiarchLint(cwd: string, args: string[]) {
  const { execa } = await import('execa'); // ESM-only package, loaded from CommonJS
  const tsx = pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  return execa(process.execPath, ['--import', tsx, join(repoRoot, 'src', 'cli', 'main.ts'), 'lint', ...args], {
    cwd,
    env: { ...env, NODE_OPTIONS: '' },
    reject: false,
    timeout: 120_000,
  });
}

/** A loopback port that was free a moment ago (bound, then released). */
async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** Pushes an image built for linux/amd64 only (podman, a throwaway vfs store) and returns its reference. */
async function pushAmd64Only(): Promise<string> {
  const ref = `${registry}/lint/${runTag}/amd64-only:1`;
  const dir = await mkdtemp(join(tmpdir(), 'amd64-only-'));
  try {
    await cp(join(env.MULTIARCH_ROOTFS_DIR!, 'amd64'), join(dir, 'rootfs'), {
      recursive: true,
      verbatimSymlinks: true,
    });
    await writeFile(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY rootfs/ /\nCMD ["/bin/sh"]\n');
    await writeFile(
      join(dir, 'storage.conf'),
      `[storage]\ndriver = "vfs"\ngraphroot = "${dir}/graph"\nrunroot = "${dir}/run"\n`,
    );
    const local = { ...env, CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf') };
    for (const argv of [
      ['podman', 'build', '-q', '--platform', 'linux/amd64', '-t', ref, dir],
      ['podman', 'push', '-q', '--tls-verify=false', ref, `docker://${ref}`],
    ]) {
      const r = await runTool(argv, { env: local, timeoutMs: 120_000 });
      if (!r.ok) throw new Error(`${argv.join(' ')} failed (${r.exitCode ?? r.spawnError}): ${r.stderr || r.stdout}`);
    }
    return ref;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('InvalidBaseImagePlatform against the local registry (real podman push)', function () {
  this.timeout(240_000);
  let project: string;
  let image: string;

  before(async () => {
    image = await pushAmd64Only();
    project = await mkdtemp(join(tmpdir(), 'lint-base-platform-'));
    await writeFile(join(project, 'Dockerfile'), `ARG BASE=${image}\nFROM \${BASE} AS run\nCMD ["/bin/sh"]\n`);
    await writeFile(
      join(project, 'multiarch.yaml'),
      `image: lint-${runTag}\ntag: ${runTag}\nplatforms: [linux/amd64, linux/arm64]\nvariants:\n  app: {}\n  amd64only:\n    platforms: [linux/amd64]\n`,
    );
  });

  after(async () => {
    await removeRunRepository(image, `lint/${runTag}`);
    await rm(project, { recursive: true, force: true });
  });

  it('reports the FROM line naming linux/arm64 and the variant that builds it', async () => {
    const r = await multiarchLint(project, ['--format', 'json']);
    assert.equal(r.exitCode, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Array<{ rule: string; message: string; range: { start: { line: number } } }>;
    const hits = rows.filter((x) => x.rule === 'InvalidBaseImagePlatform');
    assert.deepEqual(
      hits.map((h) => [h.range.start.line + 1, h.message]),
      [[2, `${image} has no linux/arm64, only linux/amd64`]],
    );
  });

  it('keeps the answer in the project cache, and --no-network skips the check', async () => {
    const cached = JSON.parse(
      await (
        await import('node:fs/promises')
      ).readFile(join(project, '.multiarch', 'cache', 'image-platforms.json'), 'utf8'),
    );
    assert.deepEqual(
      Object.values(cached).map((e) => (e as { platforms: string[] }).platforms),
      [['linux/amd64']],
    );
    const r = await multiarchLint(project, ['--no-network', '--format', 'json']);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.deepEqual(
      (JSON.parse(r.stdout) as Array<{ rule: string }>).filter((x) => x.rule === 'InvalidBaseImagePlatform'),
      [],
    );
  });

  it('an unreachable registry costs one stderr line and no finding', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lint-offline-'));
    try {
      // A port nothing listens on refuses connections: the same as being offline, but local.
      const port = await closedPort();
      await writeFile(join(dir, 'Dockerfile'), `FROM 127.0.0.1:${port}/nothing/here:${runTag}\n`);
      await writeFile(
        join(dir, 'multiarch.yaml'),
        `image: offline-${runTag}\nplatforms: [linux/amd64, linux/arm64]\nvariants:\n  app: {}\n`,
      );
      const r = await multiarchLint(dir, []);
      assert.equal(r.exitCode, 0);
      assert.equal(r.stdout, '');
      assert.match(
        r.stderr,
        /^multiarch lint: InvalidBaseImagePlatform skipped for 127\.0\.0\.1:\d+\/nothing\/here:\S+: .*ECONNREFUSED.*$/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('InvalidBaseImagePlatform from the local image store (real podman and dockerd)', function () {
  this.timeout(300_000);
  let project: string;
  const built: Array<{ engine: 'podman' | 'docker'; ref: string }> = [];

  /** Builds an amd64-only image into the shared store under a name whose registry refuses connections. */
  async function buildLocal(engine: 'podman' | 'docker', port: number): Promise<string> {
    const ref = `127.0.0.1:${port}/lint-local-${engine}/${runTag}:1`;
    const dir = await mkdtemp(join(tmpdir(), 'local-only-'));
    try {
      await cp(join(env.MULTIARCH_ROOTFS_DIR!, 'amd64'), join(dir, 'rootfs'), {
        recursive: true,
        verbatimSymlinks: true,
      });
      await writeFile(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY rootfs/ /\nCMD ["/bin/sh"]\n');
      // dockerd 20.10's classic builder builds for the daemon's own platform (amd64 here).
      const argv =
        engine === 'podman'
          ? [env.MULTIARCH_PODMAN ?? 'podman', 'build', '-q', '--platform', 'linux/amd64', '-t', ref, dir]
          : [docker, 'build', '-q', '-t', ref, dir];
      const r = await runTool(argv, { env, timeoutMs: 180_000 });
      if (!r.ok) throw new Error(`${argv.join(' ')} failed (${r.exitCode ?? r.spawnError}): ${r.stderr || r.stdout}`);
      built.push({ engine, ref });
      return ref;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  before(async () => {
    project = await mkdtemp(join(tmpdir(), 'lint-local-store-'));
    await writeFile(
      join(project, 'multiarch.yaml'),
      `image: local-${runTag}\nplatforms: [linux/amd64, linux/arm64]\nvariants:\n  app: {}\n`,
    );
  });

  after(async () => {
    for (const b of built)
      await runTool([b.engine === 'podman' ? (env.MULTIARCH_PODMAN ?? 'podman') : docker, 'rmi', b.ref], { env });
    await rm(project, { recursive: true, force: true });
  });

  for (const engine of ['podman', 'docker'] as const) {
    it(`an image only in ${engine}'s store, registry unreachable: its one platform is the answer`, async () => {
      const image = await buildLocal(engine, await closedPort());
      await writeFile(join(project, 'Dockerfile'), `FROM ${image}\nCMD ["/bin/sh"]\n`);
      const r = await multiarchLint(project, ['--format', 'json']);
      assert.equal(r.exitCode, 0, r.stderr);
      assert.equal(r.stderr, '');
      const rows = JSON.parse(r.stdout) as Array<{ rule: string; message: string; range: { start: { line: number } } }>;
      assert.deepEqual(
        rows.filter((x) => x.rule === 'InvalidBaseImagePlatform').map((h) => [h.range.start.line + 1, h.message]),
        [[1, `${image} has no linux/arm64, only linux/amd64`]],
      );
    });
  }
});
