// The container-engine environment written by scripts/setup/20-engines.sh (DOCKER_HOST, CONTAINERS_*_CONF,
// MULTIARCH_ROOTFS_DIR…), passed to the VS Code host so builds started from the extension reach the same
// engines the engine tests use. Empty when setup has not run (builds then use the machine's defaults).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot } from './paths.mjs';

export function engineEnv() {
  const file = join(cacheRoot(), 'engines.env');
  if (!existsSync(file)) return {};
  const env = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) env[m[1]] = m[2];
  }
  return env;
}
