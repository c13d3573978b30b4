// Where the VS Code host keeps its files. Everything it downloads lives in one cache folder
// (gitignored), so a clean clone installs on demand and a second run reuses it.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

/** MULTIARCH_CACHE_DIR wins; otherwise `.cache/` inside the repo, next to node_modules. */
export function cacheRoot() {
  return process.env.MULTIARCH_CACHE_DIR || join(repoRoot, '.cache');
}

export const exampleWorkspace = join(repoRoot, 'examples', 'queue-service');
export const integrationTestsIndex = join(repoRoot, 'out', 'integration', 'index.js');
