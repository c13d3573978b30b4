// Shared by scenarios that really build: the offline FROM scratch fixture (busybox rootfs per arch from
// scripts/setup/20-engines.sh) as the workspace's matrix, and a terminal reader.
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { engineEnv } from '../../scripts/vscode-host/engineEnv.mjs';

const repo = resolve(__dirname, '..', '..');

/** Turns the scenario's workspace into a buildable matrix: the offline fixture with two variants. */
export async function buildableWorkspace(workspace: string): Promise<void> {
  const rootfs = (engineEnv() as Record<string, string | undefined>).MULTIARCH_ROOTFS_DIR;
  if (!rootfs) throw new Error('MULTIARCH_ROOTFS_DIR is not set: run scripts/setup/20-engines.sh (npm test does)');
  const dir = join(workspace, 'build-fixture');
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'Dockerfile'),
    await readFile(join(repo, 'test/fixtures/multiarch-app/Dockerfile'), 'utf8'),
  );
  for (const arch of ['amd64', 'arm64'])
    await cp(join(rootfs, arch), join(dir, `rootfs-${arch}`), { recursive: true, verbatimSymlinks: true });
  // The DOM terminal renderer keeps the terminal's text in the page, so the scenario can read it.
  await mkdir(join(workspace, '.vscode'), { recursive: true });
  await writeFile(
    join(workspace, '.vscode', 'settings.json'),
    JSON.stringify({ 'terminal.integrated.gpuAcceleration': 'off' }),
  );
  await writeFile(
    join(workspace, 'multiarch.yaml'),
    [
      'image: multiarch-e2e',
      `tag: e2e${Date.now().toString(36)}`,
      'dockerfile: build-fixture/Dockerfile',
      'context: build-fixture',
      'variantArg: QUEUE_BACKEND',
      'platforms: [linux/amd64, linux/arm64]',
      'variants:',
      '  minimal: {}',
      '  redis: {}',
      '',
    ].join('\n'),
  );
}

export async function waitForTerminalText(page: Page, pattern: RegExp, timeout = 150_000): Promise<void> {
  await page.waitForFunction(
    (source) => {
      const text = [...document.querySelectorAll('.terminal-wrapper.active .xterm-rows, .xterm-rows')]
        .map((e) => e.textContent ?? '')
        .join('\n');
      return new RegExp(source).test(text);
    },
    pattern.source,
    { timeout, polling: 250 },
  );
}
