// Activation time of the extension in the real editor host: code-server 4.100.3 (VS Code 1.100.3) opened in
// Chromium on a fresh copy of examples/queue-service, this repository loaded as the extension under
// development (dist/ must be built). The number is the one VS Code itself shows in Developer: Show Running
// Extensions ("Startup Activation: N ms": code loading plus the activate() call), read from that editor
// (the row names a development extension by its id).
//   npm run build && node --import tsx bench/activation.ts [--runs N]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type * as HostModule from '../scripts/vscode-host/host.mjs';
import { engineEnv } from '../scripts/vscode-host/engineEnv.mjs';
import { openViewContainer, runCommand, waitForWorkbench } from '../test/e2e/workbench';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
  const runs = Number(values.runs);
  // Every extension's number grows with the machine's load: print it with the result.
  const loadAtStart = loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
  const host: typeof HostModule = await import('../scripts/vscode-host/host.mjs');
  const install = await host.prepareCodeServer({ log: () => undefined });
  const profile = host.makeProfile('multiarch-bench-activation-');
  const server = await host.startCodeServer({ dir: install.dir, profile, env: engineEnv(), log: () => undefined });
  const browser = await host.launchChromium();
  const samples: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const workspace = host.copyExampleWorkspace({ log: () => undefined });
      const { page, context } = await host.openWorkbench({
        browser,
        server,
        folder: workspace.dir,
        extensionDevelopmentPath: host.repoRoot,
      });
      try {
        await waitForWorkbench(page);
        // The view is there once activate() has run (workspaceContains:multiarch.yaml starts it).
        await openViewContainer(page, 'Multi-Arch');
        await runCommand(page, 'Developer: Show Running Extensions');
        const row = page.locator('.monaco-list-row', { hasText: 'multiarch-builds.multiarch-builds' });
        const time = row.locator('.activation-time', { hasText: /Activation: \d+ms/ });
        await time.waitFor({ state: 'visible', timeout: 60_000 }).catch(async (err: unknown) => {
          const found = await page.evaluate(() =>
            [...document.querySelectorAll('*')]
              .filter((e) => /Activation: \d+ms/.test(e.textContent ?? '') && e.children.length === 0)
              .map((e) => `${e.className} < ${e.parentElement?.className} :: ${e.textContent}`)
              .slice(0, 5),
          );
          console.error(found.join('\n'));
          throw err;
        });
        const text = (await time.textContent()) ?? '';
        const ms = Number(/(\d+)ms/.exec(text)![1]);
        samples.push(ms);
        console.log(`run ${i + 1}: ${text.trim()}`);
      } finally {
        await context.close().catch(() => undefined);
        workspace.dispose();
      }
    }
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    host.removeProfile(profile);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  console.log(
    `activation (code loading + activate call), ${runs} runs: median ${median} ms, min ${sorted[0]} ms, max ${sorted[sorted.length - 1]} ms`,
  );
  console.log(
    `load average (1, 5, 15 min): ${loadAtStart} at the start, ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')} at the end`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
