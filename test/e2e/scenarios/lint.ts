// The seed's first hand fix, done the editor's way: `FROM … as build` is squiggled, Ctrl+. offers the
// FromAsCasing fix, Enter applies it.
import { strict as assert } from 'node:assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScenarioContext } from '../context';
import { quickInput } from '../workbench';

export async function fromAsCasingQuickFix({ page, workspace, screenshot }: ScenarioContext): Promise<void> {
  await writeFile(join(workspace, 'demo.Dockerfile'), 'FROM python:3.11-slim as builder\nRUN echo built\n');

  await quickInput(page, 'Control+P', 'demo.Dockerfile', 'demo.Dockerfile');

  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.waitFor({ state: 'visible', timeout: 30_000 });
  await page.locator('.squiggly-warning').first().waitFor({ state: 'attached', timeout: 30_000 });
  await screenshot('squiggle');

  // Put the cursor on `as` (line 1, column 24) with Go to Line/Column, then ask for quick fixes.
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill(':1:24');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+.');
  const fix = page.locator('.action-widget .monaco-list-row', { hasText: "Change 'as' to 'AS'" });
  await fix.waitFor({ state: 'visible', timeout: 30_000 });
  await screenshot('quick-fix-menu');
  const rows = await page.locator('.action-widget .monaco-list-row').allTextContents();
  assert.ok(
    rows.some((r) => r.includes('Ignore FromAsCasing in this file')),
    `no Ignore action in ${JSON.stringify(rows)}`,
  );
  // The preferred fix is the focused row: Enter applies it, as a user would.
  await page.keyboard.press('Enter');

  await page
    .locator('.view-lines', { hasText: 'FROM python:3.11-slim AS builder' })
    .waitFor({ state: 'visible', timeout: 30_000 });
  await page.locator('.squiggly-warning').first().waitFor({ state: 'detached', timeout: 30_000 });
  await screenshot('fixed');
}
