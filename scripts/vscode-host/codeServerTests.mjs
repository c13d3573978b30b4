// The browser path: code-server serves the workbench, Chromium opens it with a payload naming the
// extension under development and the tests' index.js, and the workbench reports the result
// through window.codeAutomationExit.
import { format } from 'node:util';
import { integrationTestsIndex, repoRoot } from './paths.mjs';
import {
  launchChromium,
  makeProfile,
  openWorkbench,
  prepareCodeServer,
  removeProfile,
  startCodeServer,
} from './host.mjs';

export async function runInCodeServer({ workspace, log, timeoutMs, env }) {
  const install = await prepareCodeServer({ log });
  const profile = makeProfile();
  const dropProfile = () => removeProfile(profile);
  process.once('exit', dropProfile);
  // Server chatter only matters when something goes wrong (or MULTIARCH_HOST_VERBOSE=1); keep it for the failure report.
  const serverLines = [];
  const verbose = Boolean(process.env.MULTIARCH_HOST_VERBOSE);
  const serverLog = (l) => (verbose ? log(l) : serverLines.push(l));
  const server = await startCodeServer({ dir: install.dir, folder: workspace, profile, env, log: serverLog });
  let browser;
  let timer;
  try {
    browser = await launchChromium();
    let done = false;
    let settle;
    const result = new Promise((resolve) => (settle = resolve));
    const finish = (code) => {
      if (!done) settle(code);
      done = true;
    };
    timer = setTimeout(() => {
      log(`integration: no result after ${timeoutMs / 1000} s, giving up`);
      finish(1);
    }, timeoutMs);
    void server.exited.then(({ code, signal }) => {
      if (done) return;
      log(`integration: code-server exited early (code ${code}, signal ${signal})`);
      finish(1);
    });
    const { page, url } = await openWorkbench({
      browser,
      server,
      folder: workspace,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: integrationTestsIndex,
      onLog: (type, args) => printAutomationLog(log, type, args),
      onExit: (code) => finish(code),
    });
    log(`integration: ${url}`);
    page.on('pageerror', (err) => log(`[page error] ${err.message}`));
    page.on('crash', () => {
      log('integration: the browser page crashed');
      finish(1);
    });
    const code = await result;
    if (code !== 0) log(serverLines.slice(-40).join('\n'));
    return code;
  } finally {
    clearTimeout(timer);
    await browser?.close().catch(() => {});
    await server.stop();
    process.removeListener('exit', dropProfile);
    dropProfile();
  }
}

// Workbench start-up chatter that says nothing about the tests.
const NOISE =
  /^(Resolving connection token|Resolved connection token|Creating a socket|Ignoring fetching additional builtin|Updating additional builtin|\[Service Worker\]|ChatSessionStore|Creation of workbench contribution)/;

function printAutomationLog(log, type, args) {
  // The extension host forwards console.* arguments unformatted (mocha logs '%s' templates).
  const text = format(...(Array.isArray(args) ? args : [args]));
  if (NOISE.test(text)) return;
  for (const line of text.replace(/\n$/, '').split('\n')) log(type === 'error' ? `[err] ${line}` : line);
}
