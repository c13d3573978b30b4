// Entry point the extension host calls (extensionTestsPath): runs every bundled
// out/integration/**/*.test.js with mocha's BDD UI and ends with a plain "N passed, N failed" line.
import Mocha from 'mocha';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { markPodmanStores, removeMadeSince } from '../engines/cleanup';

function findTests(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) found.push(...findTests(p));
    else if (name.endsWith('.test.js')) found.push(p);
  }
  return found;
}

export async function run(): Promise<void> {
  // Timeouts are generous: the first activation in a cold extension host can take seconds.
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000 });
  // MULTIARCH_INTEGRATION_GREP runs only the tests whose title matches (while working on one feature).
  if (process.env.MULTIARCH_INTEGRATION_GREP) mocha.grep(process.env.MULTIARCH_INTEGRATION_GREP);
  const files = findTests(__dirname);
  for (const f of files) mocha.addFile(f);
  await mocha.loadFilesAsync();

  // The builds the tests start leave unnamed images in the podman stores (each step's layer image…); the tests
  // remove their tags and lists, and what the run made without a name goes at its end (test/engines/cleanup.ts).
  const marks = await markPodmanStores(process.env);
  const { passed, failed } = await new Promise<{ passed: number; failed: number }>((resolve) => {
    const runner = mocha.run(() => resolve({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0 }));
  });
  for (const [store, ids] of Object.entries(await removeMadeSince(marks, process.env)))
    if (ids.length) console.log(`removed ${ids.length} unnamed image(s) the run's builds left in ${store}`);
  console.log(`${passed} passed, ${failed} failed`);
  // The runner reads the counts from here: forwarded console output may lag behind the exit signal.
  const resultsFile = process.env.MULTIARCH_INTEGRATION_RESULTS;
  if (resultsFile) writeFileSync(resultsFile, JSON.stringify({ passed, failed, files: files.length }));
  if (files.length === 0 || passed + failed === 0) throw new Error(`no integration tests ran (looked in ${__dirname})`);
  if (failed > 0) throw new Error(`${failed} integration test(s) failed`);
}
