// Add Build Node through the real quick input: typed answers, the validation messages the user sees, Back,
// the multi-select of platforms, then the node in the Builders view and in multiarch.yaml (new lines only).
import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { engineEnv } from '../../../scripts/vscode-host/engineEnv.mjs';
import type { ScenarioContext } from '../context';
import { openViewContainer, runCommand, sidebarRow, waitForRows } from '../workbench';

const TIMEOUT = 30_000;

export async function addBuildNodeThroughTheQuickInput({
  page,
  workspace,
  screenshot,
}: ScenarioContext): Promise<void> {
  const endpoint = engineEnv().MULTIARCH_NODE2_PODMAN;
  assert.ok(endpoint, 'MULTIARCH_NODE2_PODMAN is not in .cache/engines.env: run scripts/setup/20-engines.sh');
  const configFile = join(workspace, 'multiarch.yaml');
  const before = await readFile(configFile, 'utf8');
  await openViewContainer(page, 'Multi-Arch');
  await waitForRows(page, ['Build nodes', 'local']);

  await runCommand(page, 'Multi-Arch: Add Build Node');
  const input = page.locator('.quick-input-widget input');
  const message = page.locator('.quick-input-widget .quick-input-message');
  const title = page.locator('.quick-input-widget .quick-input-title');
  const row = (text: string) => page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();

  await title.filter({ hasText: '1/5' }).waitFor({ state: 'visible', timeout: TIMEOUT });
  await input.fill('local');
  await message.filter({ hasText: '"local" is this machine' }).waitFor({ state: 'visible', timeout: TIMEOUT });
  await screenshot('name-refused');
  await input.fill('arm-box');
  await page.keyboard.press('Enter');

  await title.filter({ hasText: '2/5' }).waitFor({ state: 'visible', timeout: TIMEOUT });
  await row('podman').click();

  await title.filter({ hasText: '3/5' }).waitFor({ state: 'visible', timeout: TIMEOUT });
  await input.fill('http://arm-box:2376');
  await message.filter({ hasText: 'not http://' }).waitFor({ state: 'visible', timeout: TIMEOUT });
  await input.fill(endpoint);
  await page.keyboard.press('Enter');

  await title.filter({ hasText: '4/5' }).waitFor({ state: 'visible', timeout: TIMEOUT });
  await row('linux/arm64').click();
  await screenshot('platforms');
  await page.keyboard.press('Enter');

  await title.filter({ hasText: '5/5' }).waitFor({ state: 'visible', timeout: TIMEOUT });
  await row('multiarch.yaml').click();

  // The node shows in the Builders view once the config reloads, and answers (the real second podman node).
  await sidebarRow(page, 'arm-box').first().waitFor({ state: 'visible', timeout: TIMEOUT });
  await page
    .locator('.part.sidebar .monaco-list-row', { hasText: 'arm-box' })
    .filter({ hasText: /podman \d/ })
    .first()
    .waitFor({ state: 'visible', timeout: TIMEOUT });
  await screenshot('added');
  const after = await readFile(configFile, 'utf8');
  assert.ok(after.startsWith(before), 'the rest of multiarch.yaml is unchanged');
  assert.equal(
    after.slice(before.length),
    `nodes:\n  - name: arm-box\n    engine: podman\n    endpoint: ${endpoint}\n    platforms: [linux/arm64]\n`,
  );
}
