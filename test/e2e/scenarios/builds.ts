// Builds from the real workbench: a variant's context menu → Build Variant, then the palette's
// Build All Architectures, each watched in the integrated terminal. Needs the engines prepared by
// scripts/setup/20-engines.sh (the FROM scratch fixture builds offline for amd64 and arm64 under QEMU).
import { strict as assert } from 'node:assert';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { ScenarioContext } from '../context';
import { openViewContainer, sidebarRow, waitForRows } from '../workbench';
import { engineEnv } from '../../../scripts/vscode-host/engineEnv.mjs';

const repo = resolve(__dirname, '..', '..', '..');

/** Turns the scenario's workspace into a buildable matrix: the offline fixture with two variants. */
async function buildableWorkspace(workspace: string): Promise<void> {
  const rootfs = (engineEnv() as Record<string, string | undefined>).MULTIARCH_ROOTFS_DIR;
  if (!rootfs) throw new Error('MULTIARCH_ROOTFS_DIR is not set: run scripts/setup/20-engines.sh (npm test does)');
  const dir = join(workspace, 'build-fixture');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'Dockerfile'), await readFile(join(repo, 'test/fixtures/multiarch-app/Dockerfile'), 'utf8'));
  for (const arch of ['amd64', 'arm64']) await cp(join(rootfs, arch), join(dir, `rootfs-${arch}`), { recursive: true, verbatimSymlinks: true });
  // The DOM terminal renderer keeps the terminal's text in the page, so the scenario can read it.
  await mkdir(join(workspace, '.vscode'), { recursive: true });
  await writeFile(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'terminal.integrated.gpuAcceleration': 'off' }));
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

async function waitForTerminalText(page: Page, pattern: RegExp, timeout = 150_000): Promise<void> {
  await page.waitForFunction(
    (source) => {
      const text = [...document.querySelectorAll('.terminal-wrapper.active .xterm-rows, .xterm-rows')].map((e) => e.textContent ?? '').join('\n');
      return new RegExp(source).test(text);
    },
    pattern.source,
    { timeout, polling: 250 },
  );
}

async function waitForLeaf(page: Page, platformText: RegExp, timeout = 150_000): Promise<void> {
  await page.locator('.part.sidebar .monaco-list-row', { hasText: platformText }).first().waitFor({ state: 'visible', timeout });
}

export async function buildVariantFromContextMenu({ page, workspace, screenshot }: ScenarioContext): Promise<void> {
  await buildableWorkspace(workspace);
  await openViewContainer(page, 'Multi-Arch');
  await waitForRows(page, ['minimal', 'redis']);

  await sidebarRow(page, 'minimal').click({ button: 'right' });
  const menuItem = page.locator('.context-view .action-label', { hasText: /^Build Variant…$/ });
  await menuItem.waitFor({ state: 'visible', timeout: 30_000 });
  await screenshot('context-menu');
  await menuItem.click();

  await waitForTerminalText(page, /All builds succeeded\./);
  await waitForLeaf(page, /linux\/arm64\s*succeeded/);
  await screenshot('variant-built');
  const rows = await page.locator('.part.sidebar .monaco-list-row').allTextContents();
  assert.equal(rows.filter((r) => /succeeded/.test(r)).length, 2, `rows: ${JSON.stringify(rows)}`);
}

export async function buildAllFromThePalette({ page, workspace, screenshot }: ScenarioContext): Promise<void> {
  await buildableWorkspace(workspace);
  await openViewContainer(page, 'Multi-Arch');
  await waitForRows(page, ['minimal', 'redis']);

  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill('>Multi-Arch: Build All Architectures');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Build All Architectures' }).first().waitFor({ state: 'visible', timeout: 30_000 });
  await page.keyboard.press('Enter');

  await waitForTerminalText(page, /All builds succeeded\./);
  await waitForLeaf(page, /linux\/arm64\s*succeeded/);
  const rows = await page.locator('.part.sidebar .monaco-list-row').allTextContents();
  assert.equal(rows.filter((r) => /succeeded/.test(r)).length, 4, `rows: ${JSON.stringify(rows)}`);
  await screenshot('all-built');
}
