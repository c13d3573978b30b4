#!/usr/bin/env node
// `npm test`: system setup (root on Debian), build, then every test tier in order:
// unit (mocha on node), engines (real podman/dockerd, when present), integration (real extension
// host) and e2e (Playwright on the real workbench). Each part prints its own count; the last line
// is the sum, "N passed, N failed", and the exit code is non-zero when anything failed. The engines,
// integration and e2e parts are each followed by a leftovers check (scripts/leftovers.mjs): it fails when an
// engine store or the registry holds more than before the part, or a process the part started still runs.
//   node scripts/test.mjs [--no-setup] [--parts unit,engines,integration,e2e]
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { growth, markedProcesses, RUN_MARKER, snapshot } from './leftovers.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const ALL_PARTS = ['unit', 'engines', 'integration', 'e2e'];
const COUNT_LINE = /^(?:\w+: )?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/;

if (process.argv[2] === '--mocha-child') {
  await mochaChild(JSON.parse(process.argv[3]));
} else {
  process.exitCode = await main();
}

async function main() {
  const { values } = parseArgs({
    options: {
      'no-setup': { type: 'boolean', default: false },
      parts: { type: 'string', default: ALL_PARTS.join(',') },
    },
  });
  const parts = values.parts.split(',').map((p) => p.trim());
  const unknown = parts.filter((p) => !ALL_PARTS.includes(p));
  if (unknown.length) throw new Error(`unknown part(s) ${unknown.join(', ')}; known: ${ALL_PARTS.join(', ')}`);

  const results = [];
  const record = (name, counts, seconds) => {
    results.push({ name, ...counts, seconds });
    const skipped = counts.skipped ? `, ${counts.skipped} skipped` : '';
    console.log(`\n${name}: ${counts.passed} passed, ${counts.failed} failed${skipped} (${seconds.toFixed(1)} s)\n`);
  };
  const timed = async (fn) => {
    const t = Date.now();
    const r = await fn();
    return [r, (Date.now() - t) / 1000];
  };

  if (!values['no-setup']) {
    const [failedScripts, s] = await timed(runSetup);
    if (failedScripts.length) record('setup', { passed: 0, failed: failedScripts.length }, s);
  }

  const [buildCode, buildSeconds] = await timed(() => run('npm', ['run', 'build', '--', '--tests']));
  const built = buildCode === 0;
  if (!built) record('build', { passed: 0, failed: 1 }, buildSeconds);

  for (const part of parts) {
    if (part === 'unit') {
      const [c, s] = await timed(() => runMocha(null));
      record('unit', c, s);
    } else if (part === 'engines') {
      if (!hasTests(join(root, 'test', 'engines'))) {
        console.log('engines: no tests in test/engines, skipping');
        continue;
      }
      const [c, s] = await timed(() => checked('engines', (env) => runMocha(['test/engines/**/*.test.ts'], env)));
      record('engines', c, s);
    } else if (!built) {
      record(part, { passed: 0, failed: 1 }, 0);
      console.log(`${part}: not run because the build failed`);
    } else if (part === 'integration') {
      const [c, s] = await timed(() =>
        checked('integration', (env) =>
          runCounted(process.execPath, ['scripts/vscode-host/run-integration.mjs', '--no-build'], env),
        ),
      );
      record('integration', c, s);
    } else if (part === 'e2e') {
      const [c, s] = await timed(() =>
        checked('e2e', (env) => runCounted(process.execPath, ['--import', 'tsx', 'test/e2e/run.ts'], env)),
      );
      record('e2e', c, s);
    }
  }

  const sum = (k) => results.reduce((n, r) => n + (r[k] ?? 0), 0);
  const passed = sum('passed');
  const failed = sum('failed');
  const skipped = sum('skipped');
  console.log('summary:');
  for (const r of results)
    console.log(
      `  ${r.name.padEnd(12)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed${r.skipped ? ` ${String(r.skipped).padStart(3)} skipped` : ''}  ${r.seconds.toFixed(1)} s`,
    );
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return failed > 0 || passed === 0 ? 1 : 0;
}

/**
 * Runs a part with a marker in its environment, then checks it left nothing behind: no store bigger than
 * before it (see scripts/leftovers.mjs) and no marked process still running. Leftovers count as one failure.
 */
async function checked(part, fn) {
  const id = `${part}-${process.pid}-${Date.now()}`;
  const before = await snapshot();
  const counts = await fn({ ...process.env, [RUN_MARKER]: id });
  // A process a test stopped may take a moment to exit.
  let processes = markedProcesses(id);
  for (let i = 0; i < 50 && processes.length; i++) {
    await new Promise((r) => setTimeout(r, 200));
    processes = markedProcesses(id);
  }
  const left = [...growth(before, await snapshot()), ...processes.map((p) => `process still running: ${p}`)];
  if (!left.length) {
    console.log(`${part}: left nothing behind in the engine stores, the registry or running processes`);
    return counts;
  }
  console.log(`${part}: left behind (each test must remove what it builds, tags, pushes or starts):`);
  for (const l of left) console.log(`  ${l}`);
  return { ...counts, failed: counts.failed + 1 };
}

/** scripts/setup/*.sh in name order; each is idempotent and skips itself when it cannot apply. */
async function runSetup() {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !existsSync('/etc/debian_version')) {
    console.log(
      'setup: not root on Debian, skipping scripts/setup/*.sh (run them with sudo if tests need system packages)',
    );
    return [];
  }
  const dir = join(root, 'scripts', 'setup');
  const failed = [];
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.sh'))
    .sort()) {
    const t = Date.now();
    const code = await run('bash', [join(dir, name)]);
    console.log(
      `setup: ${name} ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${((Date.now() - t) / 1000).toFixed(1)} s`,
    );
    if (code !== 0) failed.push(name);
  }
  return failed;
}

function hasTests(dir) {
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? hasTests(p) : n.endsWith('.test.ts');
  });
}

function run(cmd, args) {
  return new Promise((res) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit' });
    child.on('error', (err) => {
      console.error(`${cmd}: ${err.message}`);
      res(127);
    });
    child.on('exit', (code, signal) => res(code ?? (signal ? 128 : 1)));
  });
}

/** Runs a child that prints its own "N passed, N failed" line; a crash without one counts as one failure. */
function runCounted(cmd, args, env = process.env) {
  return new Promise((res) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let counts;
    createInterface({ input: child.stdout }).on('line', (line) => {
      console.log(line);
      const m = COUNT_LINE.exec(line.trim());
      if (m) counts = { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3] ?? 0) };
    });
    child.on('error', (err) => console.error(`${cmd}: ${err.message}`));
    child.on('close', (code) => {
      if (!counts) counts = { passed: 0, failed: 1 };
      else if (code !== 0 && counts.failed === 0) counts = { ...counts, failed: 1 };
      res(counts);
    });
  });
}

/** Mocha in a child (it needs `--import tsx` from the start), reporting its stats over IPC. */
function runMocha(spec, env = process.env) {
  return new Promise((res) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--mocha-child', JSON.stringify(spec)],
      {
        cwd: root,
        env,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    let stats;
    let straggler;
    child.on('message', (m) => {
      stats = m;
      // Like `mocha` without --exit the child waits for open handles; a test that leaks one must not hang CI.
      straggler = setTimeout(() => {
        console.error('mocha: tests finished but something keeps the process alive; stopping it');
        child.kill('SIGKILL');
      }, 30_000);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(straggler);
      if (signal === 'SIGKILL' && stats) code = stats.failed > 0 ? 1 : 0;
      if (!stats) {
        console.error(`mocha exited with ${code} before reporting results`);
        stats = { passed: 0, failed: 1 };
      } else if (code !== 0 && stats.failed === 0) {
        stats = { ...stats, failed: 1 };
      }
      res(stats);
    });
  });
}

/** Mocha's own option loading (.mocharc.json, requires, root hooks) with the programmatic runner's stats. */
async function mochaChild(specOverride) {
  const require = createRequire(import.meta.url);
  const Mocha = require('mocha');
  const { loadOptions } = require('mocha/lib/cli/options');
  const collectFiles = require('mocha/lib/cli/collect-files');
  const { handleRequires } = require('mocha/lib/cli/run-helpers');
  const opts = loadOptions([]);
  const spec = specOverride ?? opts.spec ?? opts._ ?? [];
  const plugins = await handleRequires(opts.require ?? []);
  const { files, unmatchedFiles } = collectFiles({
    ignore: opts.ignore ?? [],
    extension: opts.extension ?? ['js'],
    file: opts.file ?? [],
    recursive: Boolean(opts.recursive),
    sort: true,
    spec,
  });
  if (unmatchedFiles?.length)
    console.error(`mocha: no files match ${unmatchedFiles.map((u) => u.pattern ?? u).join(', ')}`);
  const mocha = new Mocha({ ...opts, ...plugins, spec });
  for (const f of files) mocha.addFile(resolve(f));
  await mocha.loadFilesAsync();
  if (mocha.hasGlobalSetupFixtures()) await mocha.runGlobalSetup();
  const stats = await new Promise((done) => {
    const runner = mocha.run(() =>
      done({
        passed: runner.stats?.passes ?? 0,
        failed: runner.stats?.failures ?? 0,
        skipped: runner.stats?.pending ?? 0,
      }),
    );
  });
  if (mocha.hasGlobalTeardownFixtures()) await mocha.runGlobalTeardown();
  if (files.length === 0) stats.failed += 1;
  process.send?.(stats);
  process.disconnect?.();
  process.exitCode = stats.failed > 0 ? 1 : 0;
}
