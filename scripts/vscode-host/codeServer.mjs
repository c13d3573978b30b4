// Installs code-server (VS Code's server + web workbench) on demand into the cache folder.
// It is not a devDependency: it is ~300 MB, needs native builds, and only the VS Code host uses it.
// The four environment fixes below are each needed on a root Debian machine without GitHub access.
import { execa } from 'execa';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot } from './paths.mjs';

export const CODE_SERVER_VERSION = '4.100.3';
// @vscode/ripgrep's postinstall looks for this exact tarball before it tries api.github.com.
const RIPGREP_CACHE = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_TARBALL = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

/** Files that exist only when code-server's own postinstall and its dependencies' build steps ran. */
const BUILD_MARKERS = [
  'node_modules/code-server/out/node/entry.js',
  'node_modules/code-server/lib/vscode/node_modules.asar',
  'node_modules/code-server/lib/vscode/node_modules/node-pty/build/Release/pty.node',
  'node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node',
  'node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg',
  'node_modules/code-server/lib/vscode/node_modules/kerberos/build/Release/kerberos.node',
  'node_modules/argon2/lib/binding/napi-v3/argon2.node',
];

export function codeServerDir() {
  return join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}`);
}

export function codeServerEntry(dir = codeServerDir()) {
  return join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

function isInstalled(dir) {
  const stamp = join(dir, 'installed.json');
  if (!existsSync(stamp) || !existsSync(codeServerEntry(dir))) return false;
  try {
    return JSON.parse(readFileSync(stamp, 'utf8')).version === CODE_SERVER_VERSION;
  } catch {
    return false;
  }
}

function missingMarkers(dir) {
  return BUILD_MARKERS.filter((m) => !existsSync(join(dir, m)));
}

function which(cmd) {
  for (const d of (process.env.PATH || '').split(':')) {
    if (d && existsSync(join(d, cmd))) return join(d, cmd);
  }
  return undefined;
}

function preflight() {
  const problems = [];
  if (!which('rg')) problems.push('ripgrep (`rg`) is not on PATH');
  if (!existsSync('/usr/include/gssapi/gssapi.h')) problems.push('Kerberos headers (libkrb5-dev) are missing');
  if (!which('c++') && !which('g++')) problems.push('no C++ compiler (build-essential)');
  if (problems.length) {
    throw new Error(
      `cannot install code-server ${CODE_SERVER_VERSION}: ${problems.join('; ')}.\n` +
        'Run `sudo bash scripts/setup/10-vscode.sh` (Debian) or install chromium, ripgrep, libkrb5-dev and build-essential.',
    );
  }
  return which('rg');
}

/** A TMPDIR whose ripgrep download cache already holds Debian's rg, so no GitHub download is attempted. */
async function seedRipgrepCache(tmpDir, rgPath) {
  const cache = join(tmpDir, RIPGREP_CACHE);
  const stage = join(tmpDir, 'rg-stage');
  mkdirSync(cache, { recursive: true });
  mkdirSync(stage, { recursive: true });
  copyFileSync(rgPath, join(stage, 'rg'));
  await execa('tar', ['-C', stage, '-czf', join(cache, RIPGREP_TARBALL), 'rg']);
}

function installEnv(tmpDir) {
  return {
    ...process.env,
    TMPDIR: tmpDir,
    // code-server's postinstall refuses to run as root without it.
    npm_config_unsafe_perm: 'true',
    // node-pty's postinstall runs `npx node-gyp`, which would otherwise wait for a "y".
    npm_config_yes: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
}

/**
 * Returns the install folder, installing code-server first when needed.
 * `verify(dir)` is called on a fresh install (the caller starts the server once); a failing
 * verification removes the install so the next run starts clean.
 */
export async function ensureCodeServer({ log = console.log, verify } = {}) {
  const dir = codeServerDir();
  if (isInstalled(dir)) return { dir, entry: codeServerEntry(dir), installedNow: false, seconds: 0 };
  const release = await acquireInstallLock(dir, log);
  try {
    // Another run may have installed it while we waited for the lock.
    if (isInstalled(dir)) return { dir, entry: codeServerEntry(dir), installedNow: false, seconds: 0 };
    return await install(dir, log, verify);
  } finally {
    release();
  }
}

/**
 * Two runs on a fresh clone (say integration and e2e started by hand) must not install into the same
 * folder at once: the second would delete the first one's server. A lock folder holding the owner's
 * pid serialises them; a lock whose owner is gone is taken over.
 */
async function acquireInstallLock(dir, log) {
  const lock = `${dir}.lock`;
  mkdirSync(cacheRoot(), { recursive: true });
  const deadline = Date.now() + 30 * 60_000;
  let said = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    let owner = NaN;
    try {
      owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
    } catch {
      // The owner may not have written its pid yet.
    }
    if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for another code-server install (lock ${lock})`);
    if (!said) log(`code-server: another process (pid ${owner}) is installing it; waiting…`);
    said = true;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

async function install(dir, log, verify) {
  const rg = preflight();
  const started = Date.now();
  const staging = `${dir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const tmpDir = join(staging, '.tmp');
  mkdirSync(tmpDir, { recursive: true });
  // npm 11 reports install scripts that no allowScripts policy covers; ours lists the two we need.
  writeFileSync(
    join(staging, 'package.json'),
    JSON.stringify(
      { private: true, allowScripts: { [`code-server@${CODE_SERVER_VERSION}`]: true, argon2: true } },
      null,
      2,
    ),
  );
  await seedRipgrepCache(tmpDir, rg);

  const logFile = join(staging, 'install.log');
  log(
    `code-server: installing ${CODE_SERVER_VERSION} into ${dir} (takes a few minutes; log: ${join(dir, 'install.log')}) …`,
  );
  const env = installEnv(tmpDir);
  const npmArgs = [
    'install',
    '--no-save',
    '--no-package-lock',
    '--foreground-scripts',
    '--loglevel=http',
    `code-server@${CODE_SERVER_VERSION}`,
  ];
  const res = await execa('npm', npmArgs, { cwd: staging, env, all: true, reject: false, timeout: 20 * 60_000 });
  writeFileSync(logFile, res.all ?? '');
  if (res.exitCode !== 0) {
    throw new Error(
      `npm install code-server@${CODE_SERVER_VERSION} failed (exit ${res.exitCode}); last lines:\n${tail(res.all)}`,
    );
  }

  // If npm skipped code-server's own postinstall (script policy), run it ourselves.
  const pkgDir = join(staging, 'node_modules', 'code-server');
  if (!existsSync(join(pkgDir, 'lib', 'vscode', 'node_modules.asar'))) {
    log('code-server: its postinstall did not run; running postinstall.sh');
    const ua = `npm/11 node/${process.version} linux x64`;
    const post = await execa('sh', ['./postinstall.sh'], {
      cwd: pkgDir,
      env: { ...env, npm_config_user_agent: ua },
      all: true,
      reject: false,
    });
    writeFileSync(logFile, `${res.all ?? ''}\n--- postinstall.sh ---\n${post.all ?? ''}`);
    if (post.exitCode !== 0) throw new Error(`code-server postinstall.sh failed; last lines:\n${tail(post.all)}`);
  }
  const missing = missingMarkers(staging);
  if (missing.length) {
    throw new Error(
      `code-server install is incomplete (install scripts did not run?): missing ${missing.join(', ')}. See ${logFile}`,
    );
  }
  rmSync(tmpDir, { recursive: true, force: true });

  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  try {
    if (verify) await verify(dir);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const seconds = (Date.now() - started) / 1000;
  writeFileSync(
    join(dir, 'installed.json'),
    JSON.stringify({ version: CODE_SERVER_VERSION, seconds, at: new Date().toISOString() }, null, 2),
  );
  log(`code-server: installed ${CODE_SERVER_VERSION} in ${seconds.toFixed(1)} s`);
  return { dir, entry: codeServerEntry(dir), installedNow: true, seconds };
}

function tail(text = '', n = 30) {
  return text.split('\n').slice(-n).join('\n');
}
