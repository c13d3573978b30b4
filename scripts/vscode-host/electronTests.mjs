/* global fetch, AbortSignal */
// The desktop path: @vscode/test-electron downloads (or reuses VSCODE_EXECUTABLE) and runs the tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { integrationTestsIndex, repoRoot } from './paths.mjs';

export const VSCODE_VERSION = process.env.MULTIARCH_VSCODE_VERSION || '1.100.3';

/** One cheap request to the update service decides whether a download could work at all. */
export async function canDownloadVsCode() {
  try {
    const res = await fetch('https://update.code.visualstudio.com/api/releases/stable', {
      signal: AbortSignal.timeout(5000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

export async function runInElectron({ workspace, log, env }) {
  const { runTests } = await import('@vscode/test-electron');
  const userData = mkdtempSync(join(tmpdir(), 'multiarch-electron-'));
  try {
    log(`integration: @vscode/test-electron, ${process.env.VSCODE_EXECUTABLE ?? `VS Code ${VSCODE_VERSION}`}`);
    return await runTests({
      ...(process.env.VSCODE_EXECUTABLE
        ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE }
        : { version: VSCODE_VERSION }),
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: integrationTestsIndex,
      extensionTestsEnv: env,
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--user-data-dir',
        join(userData, 'user-data'),
      ],
    });
  } catch (err) {
    // runTests rejects with the exit code's message when the tests fail.
    log(`integration: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    rmSync(userData, { recursive: true, force: true });
  }
}
