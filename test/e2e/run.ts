// Playwright e2e harness: one code-server and one Chromium for the run; each scenario gets a new page
// on its own fresh copy of examples/queue-service, with this repo loaded as the extension under
// development. Ends with "N passed, N failed"; exit code 1 when any scenario failed.
//   node --import tsx test/e2e/run.ts [--grep TEXT] [--timeout SECONDS]
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
// Type-only here: host.mjs pulls in ESM-only packages (execa), so its values come through import().
import type * as HostModule from '../../scripts/vscode-host/host.mjs';
import type { CodeServer } from '../../scripts/vscode-host/host.mjs';
import type { Scenario } from './context';
import { waitForWorkbench } from './workbench';
import { engineEnv } from '../../scripts/vscode-host/engineEnv.mjs';
import { markPodmanStores, removeMadeSince, removeProjectImages } from '../engines/cleanup';

type Host = typeof HostModule;
const e2eDir = join(__dirname);
const artifacts = join(e2eDir, 'artifacts');
const log = (line: string) => console.log(line);

async function loadScenarios(grep: string | undefined): Promise<{ name: string; file: string; fn: Scenario }[]> {
  const dir = join(e2eDir, 'scenarios');
  const found: { name: string; file: string; fn: Scenario }[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort()) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(mod)) {
      if (typeof fn === 'function' && (!grep || name.includes(grep) || file.includes(grep)))
        found.push({ name, file, fn: fn as Scenario });
    }
  }
  return found;
}

async function runScenario(
  host: Host,
  browser: Browser,
  server: CodeServer,
  scenario: { name: string; fn: Scenario },
  timeoutMs: number,
): Promise<Error | undefined> {
  const workspace = host.copyExampleWorkspace({ log });
  const { page, context } = await host.openWorkbench({
    browser,
    server,
    folder: workspace.dir,
    extensionDevelopmentPath: host.repoRoot,
  });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const screenshot = async (name: string) => {
    const file = join(artifacts, `${scenario.name}-${name}.png`);
    await page.screenshot({ path: file });
    log(`  screenshot ${file}`);
    return file;
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000} s`)), timeoutMs);
    });
    await Promise.race([
      (async () => {
        await waitForWorkbench(page);
        await scenario.fn({ page, workspace: workspace.dir, screenshot, log });
      })(),
      timeout,
    ]);
    return undefined;
  } catch (err) {
    await screenshot('failure').catch(() => undefined);
    if (pageErrors.length) log(`  page errors:\n    ${pageErrors.slice(-5).join('\n    ')}`);
    return err instanceof Error ? err : new Error(String(err));
  } finally {
    clearTimeout(timer);
    await context.close().catch(() => undefined);
    // What the scenario built from its workspace copy: the check after the e2e tier counts the stores.
    await removeProjectImages(workspace.dir, { ...process.env, ...engineEnv() }).catch((err: unknown) =>
      log(`  could not remove the scenario's images: ${err instanceof Error ? err.message : String(err)}`),
    );
    workspace.dispose();
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { grep: { type: 'string' }, timeout: { type: 'string', default: '180' } } });
  const scenarios = await loadScenarios(values.grep);
  if (scenarios.length === 0) {
    log(`e2e: no scenarios${values.grep ? ` match "${values.grep}"` : ''} in test/e2e/scenarios`);
    log('0 passed, 1 failed');
    return 1;
  }
  mkdirSync(artifacts, { recursive: true });
  const host: Host = await import('../../scripts/vscode-host/host.mjs');
  const started = Date.now();
  const install = await host.prepareCodeServer({ log });
  const profile = host.makeProfile('multiarch-e2e-');
  const serverLines: string[] = [];
  const server = await host.startCodeServer({
    dir: install.dir,
    profile,
    env: engineEnv(),
    log: (l) => serverLines.push(l),
  });
  let browser: Browser | undefined;
  let passed = 0;
  let failed = 0;
  // Each scenario removes its workspace's tags and lists; what the builds made without a name (each step's
  // layer image, a stage only copied from…) goes when the run ends (test/engines/cleanup.ts).
  const storeEnv = { ...process.env, ...engineEnv() };
  const marks = await markPodmanStores(storeEnv);
  try {
    browser = await host.launchChromium();
    for (const s of scenarios) {
      const t = Date.now();
      log(`e2e: ${s.file} ${s.name}`);
      const err = await runScenario(host, browser, server, s, Number(values.timeout) * 1000);
      const secs = ((Date.now() - t) / 1000).toFixed(1);
      if (err) {
        failed++;
        log(`  ✘ ${s.name} (${secs} s): ${err.stack ?? err.message}`);
      } else {
        passed++;
        log(`  ✔ ${s.name} (${secs} s)`);
      }
    }
  } finally {
    await browser?.close().catch(() => undefined);
    await server.stop();
    host.removeProfile(profile);
    for (const [store, ids] of Object.entries(await removeMadeSince(marks, storeEnv)))
      if (ids.length) log(`e2e: removed ${ids.length} unnamed image(s) the run's builds left in ${store}`);
  }
  if (failed) log(`e2e: last code-server lines:\n${serverLines.slice(-20).join('\n')}`);
  log(`e2e: ${scenarios.length} scenario(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

// Ctrl+C or a CI timeout: exit through process.exit so the server's exit hook kills its process group.
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(sig === 'SIGINT' ? 130 : 143));

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`e2e: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
