#!/usr/bin/env node
// Runs test/integration (bundled to out/integration/) inside a real VS Code extension host.
// Host: @vscode/test-electron when VSCODE_EXECUTABLE is set or VS Code can be downloaded,
// otherwise code-server (installed on demand) driven through Chromium. Exit code = test result.
//   node scripts/vscode-host/run-integration.mjs [--host auto|electron|code-server] [--no-build] [--timeout SECONDS]
import { execa } from 'execa';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { copyExampleWorkspace, integrationTestsIndex, repoRoot } from './host.mjs';
import { runInCodeServer } from './codeServerTests.mjs';
import { engineEnv } from './engineEnv.mjs';
import { canDownloadVsCode, runInElectron } from './electronTests.mjs';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: process.env.MULTIARCH_TEST_HOST || 'auto' },
    build: { type: 'boolean', default: true },
    'no-build': { type: 'boolean', default: false },
    timeout: { type: 'string', default: process.env.MULTIARCH_INTEGRATION_TIMEOUT || '900' },
  },
});
const log = (line) => console.log(line);
const timeoutMs = Number(values.timeout) * 1000;

async function pickHost() {
  if (values.host !== 'auto') return values.host;
  if (process.env.VSCODE_EXECUTABLE) return 'electron';
  return (await canDownloadVsCode()) ? 'electron' : 'code-server';
}

async function main() {
  if (values.build && !values['no-build']) {
    await execa(process.execPath, ['scripts/build.mjs', '--tests'], { cwd: repoRoot, stdio: 'inherit' });
  }
  if (!existsSync(integrationTestsIndex)) {
    throw new Error(`${integrationTestsIndex} is missing: run \`npm run build -- --tests\` first.`);
  }
  const host = await pickHost();
  log(`integration: host ${host}`);
  const workspace = copyExampleWorkspace({ log });
  const resultsDir = mkdtempSync(join(tmpdir(), 'multiarch-results-'));
  const resultsFile = join(resultsDir, 'results.json');
  const env = { ...engineEnv(), MULTIARCH_INTEGRATION_RESULTS: resultsFile };
  Object.assign(env, recordingPrograms(env, resultsDir));
  // `finally` does not run when a signal ends the process; the exit hook cleans up then too.
  const cleanup = () => {
    workspace.dispose();
    rmSync(resultsDir, { recursive: true, force: true });
  };
  process.once('exit', cleanup);
  const started = Date.now();
  try {
    const code =
      host === 'electron'
        ? await runInElectron({ workspace: workspace.dir, log, env })
        : await runInCodeServer({ workspace: workspace.dir, log, timeoutMs, env });
    log(`integration: host exited with ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // test/integration/index.ts writes the counts; no file means the tests never ran to the end.
    if (!existsSync(resultsFile)) {
      log('integration: the extension host reported no results');
      log('integration: 0 passed, 1 failed');
      return 1;
    }
    const { passed, failed } = JSON.parse(readFileSync(resultsFile, 'utf8'));
    log(`integration: ${passed} passed, ${failed} failed`);
    return code === 0 && failed === 0 && passed > 0 ? 0 : 1;
  } finally {
    process.removeListener('exit', cleanup);
    cleanup();
  }
}

/**
 * $MULTIARCH_PODMAN / $MULTIARCH_DOCKER become wrappers that append each call's arguments to a file
 * ($MULTIARCH_PODMAN_CALLS / $MULTIARCH_DOCKER_CALLS) and exec the real program, so the tests can check
 * that builds started in the editor run the configured program, not whatever `podman` is on PATH.
 */
function recordingPrograms(env, dir) {
  const quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
  const out = {};
  mkdirSync(join(dir, 'bin'), { recursive: true });
  for (const name of ['podman', 'docker']) {
    const key = `MULTIARCH_${name.toUpperCase()}`;
    const real = env[key] || name;
    const wrapper = join(dir, 'bin', `${name}-recording`);
    const calls = join(dir, `${name}-calls.txt`);
    writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\n' "$*" >> ${quote(calls)}\nexec ${quote(real)} "$@"\n`);
    chmodSync(wrapper, 0o755);
    out[key] = wrapper;
    out[`${key}_CALLS`] = calls;
  }
  return out;
}

// Ctrl+C or a CI timeout: exit through process.exit so the server's exit hook kills its process group.
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => process.exit(sig === 'SIGINT' ? 130 : 143));

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`integration: ${err instanceof Error ? err.message : String(err)}`);
    console.log('integration: 0 passed, 1 failed');
    process.exit(1);
  },
);
