// Image Sizes after a real Build All: the webview lists each built cell, in the light and the dark theme.
import { strict as assert } from 'node:assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { buildableWorkspace, waitForTerminalText } from '../buildable';
import type { ScenarioContext } from '../context';
import { openViewContainer, runCommand, waitForRows } from '../workbench';

/** The webview's own document: VS Code nests it in an outer and an inner iframe. */
function webview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

export async function imageSizesInLightAndDarkThemes({ page, workspace, screenshot }: ScenarioContext): Promise<void> {
  await buildableWorkspace(workspace);
  await openViewContainer(page, 'Multi-Arch');
  await waitForRows(page, ['minimal', 'redis']);
  await runCommand(page, 'Multi-Arch: Build All Architectures');
  await waitForTerminalText(page, /All builds succeeded\./);

  await runCommand(page, 'Multi-Arch: Show Image Sizes');
  const rows = webview(page).locator('table.sizes tbody tr');
  await rows.first().waitFor({ state: 'visible', timeout: 60_000 });
  const texts = await rows.allTextContents();
  for (const cell of ['minimal', 'redis']) {
    for (const arch of ['amd64', 'arm64']) {
      assert.ok(
        texts.some((t) => t.includes(cell) && t.includes(arch)),
        `no row for ${cell} ${arch} in ${JSON.stringify(texts)}`,
      );
    }
  }
  await screenshot('sizes-light');

  await writeFile(
    join(workspace, '.vscode', 'settings.json'),
    JSON.stringify({ 'terminal.integrated.gpuAcceleration': 'off', 'workbench.colorTheme': 'Default Dark Modern' }),
  );
  await page.locator('.monaco-workbench.vs-dark').waitFor({ state: 'attached', timeout: 30_000 });
  await rows.first().waitFor({ state: 'visible', timeout: 30_000 });
  await screenshot('sizes-dark');
}
