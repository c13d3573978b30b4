/* global fetch, AbortSignal */
// Starts code-server in its own session (process group) with private XDG, user-data and extension
// folders, so it neither reads nor writes the user's home, and can always be killed as a whole.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { URLSearchParams } from 'node:url';
import { codeServerEntry } from './codeServer.mjs';

export const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'workbench.tips.enabled': false,
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'security.workspace.trust.enabled': false,
  'chat.commandCenter.enabled': false,
  'extensions.ignoreRecommendations': true,
};

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A home for one code-server run: XDG dirs, user data (with settings.json), extensions. Throw-away
 * in the temp folder unless `root` names a folder to keep (npm start keeps the user's UI state).
 */
export function makeProfile(prefix = 'multiarch-vscode-', root = mkdtempSync(join(tmpdir(), prefix))) {
  const p = {
    root,
    userDataDir: join(root, 'user-data'),
    extensionsDir: join(root, 'extensions'),
    xdg: {
      XDG_CONFIG_HOME: join(root, 'xdg', 'config'),
      XDG_DATA_HOME: join(root, 'xdg', 'data'),
      XDG_CACHE_HOME: join(root, 'xdg', 'cache'),
    },
  };
  for (const d of [join(p.userDataDir, 'User'), p.extensionsDir, ...Object.values(p.xdg)])
    mkdirSync(d, { recursive: true });
  const settings = join(p.userDataDir, 'User', 'settings.json');
  if (!existsSync(settings)) writeFileSync(settings, JSON.stringify(USER_SETTINGS, null, 2));
  return p;
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts code-server on 127.0.0.1 and resolves once /healthz answers.
 * Returns { url, port, profile, stop() }; stop() kills the whole process group (code-server leaves a
 * file-watcher child behind when only its own pid is killed).
 */
export async function startCodeServer({
  dir,
  folder,
  profile = makeProfile(),
  log = console.log,
  port,
  timeoutMs = 90_000,
  extraArgs = [],
  env = {},
}) {
  port ??= await freePort();
  const args = [
    codeServerEntry(dir),
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir',
    profile.userDataDir,
    '--extensions-dir',
    profile.extensionsDir,
    ...extraArgs,
  ];
  if (folder) args.push(folder);
  // detached: true is setsid(2): code-server leads a new process group we can signal as one.
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // An empty gallery turns the marketplace off: no lookups of an unreachable open-vsx.org.
    env: { ...process.env, ...profile.xdg, EXTENSIONS_GALLERY: '{}', ...env },
  });
  const pid = child.pid;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  // A crash of this script must not leave the server running.
  const onExit = () => killGroup(pid, 'SIGKILL');
  process.once('exit', onExit);

  let listening;
  const listeningSeen = new Promise((resolve) => (listening = resolve));
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      log(`[code-server] ${line}`);
      if (/HTTP server listening on/.test(line)) listening();
    });
  }

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', onExit);
    if (killGroup(pid, 'SIGTERM')) {
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    // Children of the group may outlive the leader for a moment.
    killGroup(pid, 'SIGKILL');
  };

  const url = `http://127.0.0.1:${port}/`;
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`code-server did not report healthy within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([
      listeningSeen,
      deadline,
      exited.then(({ code, signal }) => {
        throw new Error(`code-server exited before listening (code ${code}, signal ${signal})`);
      }),
    ]);
    await Promise.race([waitHealthy(url), deadline]);
  } catch (err) {
    await stop();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return { url, port, pid, profile, stop, exited };
}

/** The server says it listens before every route is mounted; /healthz is the real readiness check. */
async function waitHealthy(url) {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(new URL('healthz', url), { signal: AbortSignal.timeout(5000) });
      if (res.ok) return;
    } catch (err) {
      if (attempt >= 20) throw err;
    }
    await new Promise((r) => setTimeout(r, 100 * Math.min(attempt + 1, 10)));
  }
}

export function removeProfile(profile) {
  rmSync(profile.root, { recursive: true, force: true });
}

/** `http://host/?folder=…&payload=…`: the payload is how the web workbench gets development/test paths. */
export function workbenchUrl({ port, folder, extensionDevelopmentPath, extensionTestsPath }) {
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  const q = new URLSearchParams();
  if (folder) q.set('folder', folder);
  if (payload.length) q.set('payload', JSON.stringify(payload));
  return `http://127.0.0.1:${port}/?${q.toString()}`;
}

/** `code-server --install-extension FILE.vsix` into the profile's extensions folder (replaces an older copy). */
export async function installExtension({ dir, profile, vsix, log = console.log }) {
  const { execa } = await import('execa');
  const res = await execa(
    process.execPath,
    [
      codeServerEntry(dir),
      '--install-extension',
      vsix,
      '--force',
      '--extensions-dir',
      profile.extensionsDir,
      '--user-data-dir',
      profile.userDataDir,
    ],
    { env: { ...process.env, ...profile.xdg, EXTENSIONS_GALLERY: '{}' }, all: true, reject: false, timeout: 120_000 },
  );
  for (const line of (res.all ?? '').split('\n').filter(Boolean)) log(`[code-server] ${line}`);
  if (res.exitCode !== 0) throw new Error(`installing ${vsix} into code-server failed (exit ${res.exitCode})`);
}
