// The Build Timeline after a real Build All of test/fixtures/projects/heavy-shared (podman here, arm64
// under QEMU): bars per step, the emulation factor, light and dark themes, and a step opening its line.
import { strict as assert } from 'node:assert';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { engineEnv } from '../../../scripts/vscode-host/engineEnv.mjs';
import { waitForTerminalText } from '../buildable';
import type { ScenarioContext } from '../context';
import { openViewContainer, runCommand, sidebarRow, waitForRows } from '../workbench';

const repo = resolve(__dirname, '..', '..', '..');

function webview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** heavy-shared with two variants; its heavy step made unique to this run so that both platforms run it. */
async function heavySharedWorkspace(workspace: string): Promise<string> {
  const env = engineEnv() as Record<string, string | undefined>;
  const tag = `e2e${Date.now().toString(36)}`;
  const dir = join(workspace, 'heavy-shared');
  await cp(join(repo, 'test/fixtures/projects/heavy-shared'), dir, { recursive: true });
  const dockerfile = join(dir, 'Dockerfile');
  await writeFile(
    dockerfile,
    (await readFile(dockerfile, 'utf8')).replace('echo "deps: $i rounds', `echo "deps ${tag}: $i rounds`),
  );
  await mkdir(join(workspace, '.vscode'), { recursive: true });
  // The DOM terminal renderer keeps the terminal's text in the page, so the scenario can read it.
  await writeFile(
    join(workspace, '.vscode', 'settings.json'),
    JSON.stringify({ 'terminal.integrated.gpuAcceleration': 'off' }),
  );
  const base = env.MULTIARCH_BASE_IMAGE ?? `${env.MULTIARCH_REGISTRY ?? '127.0.0.1:5000'}/multiarch/busybox:1`;
  await writeFile(
    join(workspace, 'multiarch.yaml'),
    [
      'image: multiarch-e2e-timeline',
      `tag: ${tag}`,
      'dockerfile: heavy-shared/Dockerfile',
      'context: heavy-shared',
      'target: runtime',
      'variantArg: QUEUE_BACKEND',
      'platforms: [linux/amd64, linux/arm64]',
      `args: { BASE_IMAGE: ${JSON.stringify(base)} }`,
      'variants:',
      '  minimal: {}',
      '  redis: {}',
      '',
    ].join('\n'),
  );
  return dockerfile;
}

export async function buildTimelineInLightAndDarkThemes({
  page,
  workspace,
  screenshot,
  log,
}: ScenarioContext): Promise<void> {
  const dockerfile = await heavySharedWorkspace(workspace);
  await openViewContainer(page, 'Multi-Arch');
  await waitForRows(page, ['minimal', 'redis']);
  await runCommand(page, 'Multi-Arch: Build All Architectures');
  await waitForTerminalText(page, /All builds succeeded\./, 400_000);

  // From the variant's context menu in the Variants view.
  await sidebarRow(page, 'minimal').first().click({ button: 'right' });
  // Monaco menus act on the item under the pointer, and a click can land while the menu is still opening:
  // point at the item, then accept it with Enter.
  const item = page.locator('.context-view .action-item', { hasText: 'Show Build Timeline' }).first();
  await item.hover();
  await page
    .locator('.context-view .action-item.focused', { hasText: 'Show Build Timeline' })
    .waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.press('Enter');
  const view = webview(page);
  const cells = view.locator('section.cell');
  await cells.nth(3).waitFor({ state: 'visible', timeout: 60_000 });
  await view.locator('section.variant.focus[data-variant="minimal"]').waitFor({ state: 'attached', timeout: 30_000 });
  // From the palette: the whole timeline, no focus. The terminal hidden, the page at its top, for the screenshots.
  await runCommand(page, 'Multi-Arch: Show Build Timeline');
  await view.locator('section.variant.focus').waitFor({ state: 'detached', timeout: 30_000 });
  await runCommand(page, 'View: Hide Panel');
  await page.locator('.part.panel').waitFor({ state: 'hidden', timeout: 10_000 });
  await view.locator('body').evaluate(() => window.scrollTo(0, 0));
  const headings = await view.locator('section.cell h3').allTextContents();
  log(`  cells: ${headings.join(' | ')}`);
  for (const variant of ['minimal', 'redis']) {
    const section = view.locator(`section.variant[data-variant="${variant}"]`);
    assert.match(
      (await section.locator('.emulation').first().textContent()) ?? '',
      /linux\/arm64 took \d+(\.\d)?× the linux\/amd64 time for the same steps/,
    );
  }
  assert.ok(
    headings.every((h) => /\d+\/\d+ steps cached \(\d+%\)/.test(h)),
    JSON.stringify(headings),
  );
  assert.ok(
    await view.locator('button.step.cached').count(),
    'some steps came from the cache (the shared stages built first)',
  );
  // Slowest first: in every cell, the times do not increase down the list.
  for (let i = 0; i < 4; i++) {
    const secs = (await cells.nth(i).locator('.step-time').allTextContents()).map((t) => parseFloat(t));
    assert.deepEqual(
      secs,
      [...secs].sort((a, b) => b - a),
      `cell ${i}: ${secs.join(', ')}`,
    );
  }
  await screenshot('timeline-light');

  await writeFile(
    join(workspace, '.vscode', 'settings.json'),
    JSON.stringify({ 'terminal.integrated.gpuAcceleration': 'off', 'workbench.colorTheme': 'Default Dark Modern' }),
  );
  await page.locator('.monaco-workbench.vs-dark').waitFor({ state: 'attached', timeout: 30_000 });
  await cells.first().waitFor({ state: 'visible', timeout: 30_000 });
  await screenshot('timeline-dark');

  // Dockerfile order, then Enter on the arm64 cell's `COPY --from=compile` step opens the Dockerfile there.
  await view.locator('button[data-order="dockerfile"]').click();
  await view
    .locator('button[data-order="dockerfile"][aria-pressed="true"]')
    .waitFor({ state: 'attached', timeout: 10_000 });
  const arm = view.locator('section.variant[data-variant="minimal"] section.cell[data-platform="linux/arm64"]');
  const step = arm.locator('button.step', { hasText: 'COPY --from=compile' });
  await step.focus();
  await page.keyboard.press('Enter');
  const line =
    (await readFile(dockerfile, 'utf8')).split('\n').findIndex((l) => l.startsWith('COPY --from=compile')) + 1;
  await page.locator('.tabs-container .tab', { hasText: 'Dockerfile' }).waitFor({ state: 'visible', timeout: 30_000 });
  await page
    .locator('.statusbar-item', { hasText: `Ln ${line}, Col 1` })
    .waitFor({ state: 'visible', timeout: 30_000 });
}
