#!/usr/bin/env node
// `npm start`: build, then open the extension on examples/queue-service in a real VS Code.
// With the `code` CLI: a desktop Extension Development Host. Without it: the local code-server
// (installed on demand into .cache/) with the freshly packaged extension installed; prints the URL
// and runs until Ctrl+C.   node scripts/start.mjs [--port N] [--code-server]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CODE_SERVER_VERSION,
  cacheRoot,
  exampleWorkspace,
  freePort,
  installExtension,
  makeProfile,
  prepareCodeServer,
  repoRoot,
  startCodeServer,
  workbenchUrl,
} from './vscode-host/host.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT },
    'code-server': { type: 'boolean', default: false },
  },
});
const log = (line) => console.log(line);

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { cwd: repoRoot, stdio: 'inherit', ...opts });
  return res.status ?? 1;
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

async function main() {
  if (run('npm', ['run', 'build']) !== 0)
    throw new Error('the build failed; fix the errors above and run `npm start` again');

  if (!values['code-server'] && onPath('code')) {
    log(`Opening ${exampleWorkspace} in VS Code with the extension under development…`);
    return run('code', ['--new-window', `--extensionDevelopmentPath=${repoRoot}`, exampleWorkspace]);
  }

  // code-server needs a compiler, Kerberos headers and ripgrep to install; as root on Debian we add them.
  if (process.getuid?.() === 0 && existsSync('/etc/debian_version'))
    run('bash', [join(repoRoot, 'scripts', 'setup', '10-vscode.sh')]);
  const install = await prepareCodeServer({ log });

  const vsix = join(cacheRoot(), 'multiarch-builds-dev.vsix');
  rmSync(vsix, { force: true });
  if (
    run('npx', ['--no-install', 'vsce', 'package', '--no-dependencies', '-o', vsix], {
      stdio: ['ignore', 'ignore', 'inherit'],
    }) !== 0
  ) {
    throw new Error('packaging the extension failed (see above); `npm run package` shows the same error');
  }
  const profileRoot = join(cacheRoot(), 'start-profile');
  mkdirSync(profileRoot, { recursive: true });
  const profile = makeProfile('multiarch-start-', profileRoot);
  await installExtension({ dir: install.dir, profile, vsix, log });

  const port = Number(values.port) || (await portOr(8080));
  const server = await startCodeServer({ dir: install.dir, folder: exampleWorkspace, profile, log, port });
  const url = workbenchUrl({ port: server.port, folder: exampleWorkspace });
  log('');
  log(`  Multi-Arch Builds is running in VS Code (code-server ${CODE_SERVER_VERSION}) on examples/queue-service:`);
  log(`  ${url}`);
  log('  Open it in a browser; Ctrl+C stops the server.');
  log('');
  const stop = async () => {
    log('stopping code-server…');
    await server.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  const { code, signal } = await server.exited;
  log(`code-server exited (code ${code}, signal ${signal})`);
  return code ?? 1;
}

/** The preferred port when it is free, any free port otherwise. */
async function portOr(preferred) {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => void freePort().then(resolve));
    srv.listen(preferred, '127.0.0.1', () => srv.close(() => resolve(preferred)));
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(`npm start: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
