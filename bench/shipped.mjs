// Runs a benchmark on the code as it ships: bundles bench/<name>.ts with the extension's own esbuild options
// (scripts/bundleOptions.mjs: minified, no tsx keep-names wrappers around every closure) into
// .cache/bench-<name>.js, then runs it with node. Usage: node bench/shipped.mjs lint [the bench's own flags]
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { nodeBundleOptions } from '../scripts/bundleOptions.mjs';

const root = new URL('..', import.meta.url).pathname;
const [name, ...args] = process.argv.slice(2);
const entry = name && join('bench', `${name}.ts`);
if (!entry || !existsSync(join(root, entry))) {
  console.error(
    `usage: node bench/shipped.mjs <bench> [flags]   (<bench> is a bench/*.ts file without .ts, e.g. lint)`,
  );
  process.exit(2);
}
// Bundled into .cache/ (one level below the root, like bench/) so the bench's own paths relative to its folder hold.
const outfile = join(root, '.cache', `bench-${name}.js`);
await esbuild.build({ ...nodeBundleOptions(root), entryPoints: [entry], outfile, sourcemap: false });
// --expose-gc lets a bench offer a cold-heap mode (a full collection before each sample); it collects nothing by itself.
const run = spawnSync(process.execPath, ['--expose-gc', outfile, ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);
