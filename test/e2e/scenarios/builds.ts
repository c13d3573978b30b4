// Builds from the real workbench: a variant's context menu → Build Variant, then the palette's
// Build All Architectures, each watched in the integrated terminal. Needs the engines prepared by
// scripts/setup/20-engines.sh (the FROM scratch fixture builds offline for amd64 and arm64 under QEMU).
import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import { buildableWorkspace, waitForTerminalText } from '../buildable';
import type { ScenarioContext } from '../context';
import { openViewContainer, runCommand, sidebarRow, waitForRows } from '../workbench';

/** Waits until exactly `n` tree leaves read "succeeded": the tree re-renders after the terminal prints its summary. */
async function waitForSucceededLeaves(page: Page, n: number, timeout = 60_000): Promise<void> {
  try {
    await page.waitForFunction(
      (count) =>
        [...document.querySelectorAll('.part.sidebar .monaco-list-row')].filter((r) =>
          /succeeded/.test(r.textContent ?? ''),
        ).length === count,
      n,
      { timeout, polling: 250 },
    );
  } catch (err) {
    const rows = await page.locator('.part.sidebar .monaco-list-row').allTextContents();
    assert.fail(`expected ${n} succeeded leaves: ${(err as Error).message}; rows: ${JSON.stringify(rows)}`);
  }
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
  await waitForSucceededLeaves(page, 2);
  await screenshot('variant-built');
}

export async function buildAllFromThePalette({ page, workspace, screenshot }: ScenarioContext): Promise<void> {
  await buildableWorkspace(workspace);
  await openViewContainer(page, 'Multi-Arch');
  await waitForRows(page, ['minimal', 'redis']);

  await runCommand(page, 'Multi-Arch: Build All Architectures');

  await waitForTerminalText(page, /All builds succeeded\./);
  await waitForSucceededLeaves(page, 4);
  await screenshot('all-built');
}
