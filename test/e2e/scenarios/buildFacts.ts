// Build facts in the Dockerfile after a real Build All of test/fixtures/projects/heavy-shared (podman here,
// arm64 under QEMU): the lens on the heavy line, the hot-spot squiggle, the hover's table and the status
// bar item, in light and dark themes (the README's screenshots come from this scenario).
import { strict as assert } from 'node:assert';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { engineEnv } from '../../../scripts/vscode-host/engineEnv.mjs';
import { waitForTerminalText } from '../buildable';
import type { ScenarioContext } from '../context';
import { openViewContainer, quickInput, runCommand, waitForRows } from '../workbench';

const repo = resolve(__dirname, '..', '..', '..');

export async function dockerfileBuildFactsInLightAndDarkThemes({
  page,
  workspace,
  screenshot,
  log,
}: ScenarioContext): Promise<void> {
  const env = engineEnv() as Record<string, string | undefined>;
  const tag = `e2e${Date.now().toString(36)}`;
  const dir = join(workspace, 'heavy-shared');
  await cp(join(repo, 'test/fixtures/projects/heavy-shared'), dir, { recursive: true });
  const dockerfile = join(dir, 'Dockerfile');
  const text = (await readFile(dockerfile, 'utf8')).replace('echo "deps: $i rounds', `echo "deps ${tag}: $i rounds`);
  await writeFile(dockerfile, text);
  await mkdir(join(workspace, '.vscode'), { recursive: true });
  const settings = { 'terminal.integrated.gpuAcceleration': 'off', 'editor.minimap.enabled': false };
  await writeFile(join(workspace, '.vscode', 'settings.json'), JSON.stringify(settings));
  const base = env.MULTIARCH_BASE_IMAGE ?? `${env.MULTIARCH_REGISTRY ?? '127.0.0.1:5000'}/multiarch/busybox:1`;
  await writeFile(
    join(workspace, 'multiarch.yaml'),
    [
      'image: multiarch-e2e-facts',
      `tag: ${tag}`,
      'dockerfile: heavy-shared/Dockerfile',
      'context: heavy-shared',
      'target: runtime',
      'variantArg: QUEUE_BACKEND',
      'platforms: [linux/amd64, linux/arm64]',
      // Enough rounds that the emulated loop is a hot spot (over 5 s and 4× native).
      `args: { BASE_IMAGE: ${JSON.stringify(base)}, DEPS_ROUNDS: "900000" }`,
      'variants:',
      '  minimal: {}',
      '  redis: {}',
      '',
    ].join('\n'),
  );
  await openViewContainer(page, 'Multi-Arch');
  await waitForRows(page, ['minimal', 'redis']);
  const status = page.locator('.statusbar-item', { hasText: /\d+\/4 built|\d+\/4 building/ });
  await status.first().waitFor({ state: 'visible', timeout: 30_000 });
  await runCommand(page, 'Multi-Arch: Build All Architectures');
  await waitForTerminalText(page, /All builds succeeded\./, 400_000);
  await page.locator('.statusbar-item', { hasText: '4/4 built' }).waitFor({ state: 'visible', timeout: 30_000 });

  await runCommand(page, 'View: Hide Panel');
  await quickInput(page, 'Control+P', 'heavy-shared/Dockerfile', 'Dockerfile');
  const lens = page.locator('.contentWidgets .codelens-decoration', { hasText: 'QEMU' });
  await lens.first().waitFor({ state: 'visible', timeout: 60_000 });
  const title = (await lens.first().textContent()) ?? '';
  log(`  lens: ${title}`);
  assert.match(title, /amd64 \d+\.\d s · arm64 \d+\.\d s \(QEMU \d+(\.\d)?×\) · cached in \d\/4 cells/);
  await page.locator('.squiggly-info').first().waitFor({ state: 'attached', timeout: 30_000 });

  // The hover on the heavy line: its table per variant × platform, and the hot spot's numbers.
  const heavy = text.split('\n').findIndex((l) => l.startsWith('RUN i=0')) + 1;
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill(`:${heavy}:5`);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  const hover = page.locator('.monaco-hover', { hasText: 'Variant' });
  await hover.first().waitFor({ state: 'visible', timeout: 30_000 });
  assert.match((await hover.first().textContent()) ?? '', /minimal.*redis/s);
  await screenshot('facts-light');

  await writeFile(
    join(workspace, '.vscode', 'settings.json'),
    JSON.stringify({ ...settings, 'workbench.colorTheme': 'Default Dark Modern' }),
  );
  await page.locator('.monaco-workbench.vs-dark').waitFor({ state: 'attached', timeout: 30_000 });
  await page
    .locator('.editor-instance .monaco-editor')
    .first()
    .click({ position: { x: 300, y: 5 } })
    .catch(() => undefined);
  await page.keyboard.press('Control+G');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill(`:${heavy}:5`);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  await hover.first().waitFor({ state: 'visible', timeout: 30_000 });
  await screenshot('facts-dark');
}
