// The CLI's `build` as a child process a test can send Ctrl+C, for the cancel suites.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './helpers';

/**
 * The CLI as a user runs it, as a child process that can be sent Ctrl+C. `until` resolves with the first
 * output chunk that matches, so the signal lands at a known point without guessing with sleeps.
 */
export async function startBuild(cwd: string, runEnv: NodeJS.ProcessEnv, args: string[]) {
  const { execa } = await import('execa'); // ESM-only package, loaded from CommonJS
  const tsx = pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const child = execa(process.execPath, ['--import', tsx, join(repoRoot, 'src', 'cli', 'main.ts'), 'build', ...args], {
    cwd,
    env: { ...runEnv, NODE_OPTIONS: '' },
    reject: false,
    timeout: 300_000,
  });
  let output = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const w of [...waiters]) {
      if (!w.re.test(output)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return {
    child,
    output: () => output,
    until: (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        if (re.test(output)) return resolve();
        waiters.push({ re, resolve });
        void child.then((r) =>
          reject(
            new Error(
              `the build ended (${r.timedOut ? 'timed out' : `exit ${r.exitCode}`}) before ${re} appeared; the commands it ran:\n${commandLines(output)}\nits last output:\n${output.slice(-3000)}`,
            ),
          ),
        );
      }),
  };
}

/** The build commands a CLI run printed (`[variant] $ …`) and its push lines, in order: where a run stood when it ended. */
function commandLines(output: string): string {
  return output
    .split('\n')
    .filter((l) => /^\[[^\]]+\] \$ |pushing manifest for .* done/.test(l))
    .map((l) => l.slice(0, 160))
    .join('\n');
}
