// The one entry point for everything that drives a real VS Code here: the integration runner,
// the e2e harness and `npm start` all go through these functions.
import { ensureCodeServer } from './codeServer.mjs';
import { startCodeServer, makeProfile, removeProfile, workbenchUrl } from './server.mjs';

export { CODE_SERVER_VERSION, codeServerDir } from './codeServer.mjs';
export { startCodeServer, makeProfile, removeProfile, workbenchUrl, freePort, installExtension } from './server.mjs';
export { launchChromium } from './browser.mjs';
export { copyExampleWorkspace } from './workspace.mjs';
export { repoRoot, exampleWorkspace, integrationTestsIndex, cacheRoot } from './paths.mjs';

/** Installs code-server when missing and proves a fresh install works by starting it once. */
export async function prepareCodeServer({ log = console.log } = {}) {
  return ensureCodeServer({
    log,
    verify: async (dir) => {
      const profile = makeProfile('multiarch-verify-');
      try {
        const server = await startCodeServer({ dir, profile, log: () => {} });
        log(`code-server: verified, /healthz answered on port ${server.port}`);
        await server.stop();
      } finally {
        removeProfile(profile);
      }
    },
  });
}

/**
 * Opens the workbench in a new page. codeAutomationExit / codeAutomationLog are what the web
 * workbench calls when it runs extension tests; they must exist before the first navigation.
 */
export async function openWorkbench({
  browser,
  server,
  folder,
  extensionDevelopmentPath,
  extensionTestsPath,
  onLog,
  onExit,
  viewport,
}) {
  const context = await browser.newContext({ viewport: viewport ?? { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.exposeFunction('codeAutomationLog', (type, args) => onLog?.(type, args));
  await page.exposeFunction('codeAutomationExit', (code) => onExit?.(code));
  const url = workbenchUrl({ port: server.port, folder, extensionDevelopmentPath, extensionTestsPath });
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  return { page, context, url };
}
