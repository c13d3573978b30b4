// Builds from the real workbench: a variant's context menu → Build Variant, then the palette's
// Build All Architectures, each watched in the integrated terminal. Needs the engines prepared by
// scripts/setup/20-engines.sh (the FROM scratch fixture builds offline for amd64 and arm64 under QEMU).
import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import { buildableWorkspace, waitForTerminalText } from '../buildable';
import type { ScenarioContext } from '../context';
import { openViewContainer, runCommand, sidebarRow, waitForRows } from '../workbench';

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

  await runCommand(page, 'Multi-Arch: Build All Architectures');

  await waitForTerminalText(page, /All builds succeeded\./);
  await waitForLeaf(page, /linux\/arm64\s*succeeded/);
  const rows = await page.locator('.part.sidebar .monaco-list-row').allTextContents();
  assert.equal(rows.filter((r) => /succeeded/.test(r)).length, 4, `rows: ${JSON.stringify(rows)}`);
  await screenshot('all-built');
}
