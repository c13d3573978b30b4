import { strict as assert } from 'node:assert';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const repoRoot = join(__dirname, '..', '..', '..');

/** Alive and not a zombie: a zombie has exited, only its parent has not collected it yet. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Resolves once `check` holds or `guardMs` passed (a hang guard, not a measurement), polling. */
async function until(check: () => Promise<boolean>, guardMs = 60_000): Promise<void> {
  const end = Date.now() + guardMs;
  while (!(await check()) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

/**
 * Ctrl+C at a point where the CLI is waiting on processes it started: the engine programs are a script that
 * writes its pid and sleeps (no engine is tested here, only what the CLI does with its children), so the
 * lint of a 1,000-variant project is stuck in its base-image look-ups when the signal lands.
 */
describe('Ctrl+C ends a CLI command and the processes it started', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'multiarch-interrupt-'));
  });
  afterEach(async () => {
    // Whatever the outcome, no sleeper outlives the test.
    const pids = await readFile(join(dir, 'pids'), 'utf8').catch(() => '');
    for (const pid of pids.split('\n').filter(Boolean).map(Number)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone, as it should be
      }
    }
    await rm(dir, { recursive: true, force: true });
  });

  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    it(`${sig} mid-lint of 1,000 variants: exit 1, "cancelled", every child process gone`, async () => {
      const engine = join(dir, 'engine.sh');
      await writeFile(engine, `#!/bin/sh\necho $$ >> "${join(dir, 'pids')}"\nexec sleep 300\n`);
      await chmod(engine, 0o755);
      await writeFile(join(dir, 'Dockerfile'), 'ARG VERSION=1\nFROM 127.0.0.1:9/acme/base:${VERSION}\n');
      const variants = Array.from({ length: 1000 }, (_, i) => `  v${i}:\n    args:\n      VERSION: "v${i}"\n`);
      await writeFile(
        join(dir, 'multiarch.yaml'),
        `image: 127.0.0.1:9/acme/app\nplatforms: [linux/amd64, linux/arm64]\nvariants:\n${variants.join('')}`,
      );
      const { execa } = await import('execa'); // ESM-only package, loaded from CommonJS
      const tsx = pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
      const child = execa(process.execPath, ['--import', tsx, join(repoRoot, 'src', 'cli', 'main.ts'), 'lint'], {
        cwd: dir,
        env: { ...process.env, NODE_OPTIONS: '', MULTIARCH_PODMAN: engine, MULTIARCH_DOCKER: engine },
        reject: false,
      });
      try {
        const pids = async () =>
          (await readFile(join(dir, 'pids'), 'utf8').catch(() => '')).split('\n').filter(Boolean).map(Number);
        // Both stores' listings have started and hang: the lint is mid-way.
        await until(async () => (await pids()).length >= 2);
        const started = await pids();
        assert.ok(started.every(running), 'the engine processes run when the signal is sent');
        child.kill(sig);
        const r = await child;
        assert.equal(r.exitCode, 1, r.stderr);
        assert.match(r.stderr, /multiarch lint: cancelled/);
        // Every process it started goes with it (the CLI sent them SIGTERM; this waits for them to go).
        await until(async () => !(await pids()).some(running), 30_000);
        assert.deepEqual((await pids()).filter(running), [], 'processes the lint started outlived it');
      } finally {
        child.kill('SIGKILL');
      }
    });
  }
});
