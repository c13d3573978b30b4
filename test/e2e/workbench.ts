// Small helpers over the VS Code 1.100 web workbench DOM, shared by scenarios.
// Every wait is on a selector or condition with a timeout, never a fixed delay.
import type { Locator, Page } from 'playwright-core';

const TIMEOUT = 30_000;

export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  await page.locator('.activitybar .action-item').first().waitFor({ state: 'visible', timeout: TIMEOUT });
}

/** Clicks a view container's activity-bar icon (its aria-label is the container title) and waits for the side bar. */
export async function openViewContainer(page: Page, title: string): Promise<void> {
  const label = `a[aria-label="${title}"]`;
  const icon = page.locator(`.activitybar .action-item ${label}`);
  await icon.waitFor({ state: 'visible', timeout: TIMEOUT });
  // Clicking the icon of the container already shown would hide the side bar.
  const item = page.locator('.activitybar .action-item', { has: page.locator(label) });
  if ((await item.getAttribute('class'))?.split(/\s+/).includes('checked') !== true) await icon.click();
  await page.locator('.part.sidebar').waitFor({ state: 'visible', timeout: TIMEOUT });
}

/** Tree rows in the side bar; matched by their visible text (their aria-label is the tooltip). */
export function sidebarRows(page: Page): Locator {
  return page.locator('.part.sidebar .monaco-list-row');
}

export function sidebarRow(page: Page, text: string): Locator {
  return sidebarRows(page).filter({
    has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(text)}$`) }),
  });
}

/** The visible text of every side-bar row, in order, with their tree depth (1 = top level). */
export async function rowTexts(page: Page): Promise<{ text: string; level: number }[]> {
  return sidebarRows(page).evaluateAll((rows) =>
    rows.map((r) => ({
      text: (r.querySelector('.label-name')?.textContent ?? r.textContent ?? '').trim(),
      level: Number(r.getAttribute('aria-level') ?? '0'),
    })),
  );
}

export async function waitForRows(page: Page, texts: string[], timeout = TIMEOUT): Promise<void> {
  for (const t of texts) await sidebarRow(page, t).first().waitFor({ state: 'visible', timeout });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Opens the quick input with `key` (F1 for commands, Control+P for files), types `text`, waits for a row
 * containing `rowText` and accepts the first one with Enter.
 */
export async function quickInput(page: Page, key: string, text: string, rowText: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: rowText }).first();
  // The palette lists the commands enabled when it opened, and does not list them again: on a loaded machine CI
  // saw it open before the workbench had settled workspace trust, without the commands that need it (Build All)
  // for the whole wait. So it is closed and opened again when the row does not come.
  const started = Date.now();
  for (let round = 1; ; round++) {
    await openAndType(page, key, text);
    const left = TIMEOUT - (Date.now() - started);
    try {
      await row.waitFor({ state: 'visible', timeout: round < 3 ? Math.min(10_000, left) : left });
      break;
    } catch (e) {
      if (round >= 3 || Date.now() - started >= TIMEOUT) throw e;
      await page.keyboard.press('Escape');
      await input.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {});
    }
  }
  await page.keyboard.press('Enter');
}

async function openAndType(page: Page, key: string, text: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  // A webview that takes the focus just after the widget opened (a panel revealed by the command before) closes
  // the widget again: CI saw the input visible, then hidden for 30 s. Open it again when that happens.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press(key);
    await input.waitFor({ state: 'visible', timeout: TIMEOUT });
    try {
      await input.fill(text, { timeout: 5_000 });
      return;
    } catch (e) {
      if (attempt === 3 || (await input.isVisible())) throw e;
    }
  }
}

/** Runs a palette command by its full title ("Multi-Arch: Build All Architectures"). */
export function runCommand(page: Page, title: string): Promise<void> {
  return quickInput(page, 'F1', `>${title}`, title.replace(/^[^:]+: /, ''));
}
