import * as assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { Metafile } from 'esbuild';
import type * as BundleOptions from '../../../scripts/bundleOptions.mjs';

const repo = resolve(__dirname, '../../..');

/**
 * What activation loads: the inputs of the extension's entry file and of every chunk it imports statically. The
 * rest of the bundle is behind import(), loaded when a feature is first used (bench/README.md, activation.ts).
 */
async function bundle(): Promise<{ atActivation: Set<string>; all: Set<string> }> {
  const esbuild = await import('esbuild');
  const { extensionBundleOptions }: typeof BundleOptions = await import('../../../scripts/bundleOptions.mjs');
  const result = await esbuild.build({
    ...extensionBundleOptions(repo),
    outdir: resolve(repo, 'out', 'lazy-activation-check'),
    write: false,
    metafile: true,
    sourcemap: false,
    minify: false,
    logLevel: 'silent',
  });
  const outputs: Metafile['outputs'] = result.metafile.outputs;
  const entry = Object.keys(outputs).find((o) => outputs[o]!.entryPoint === 'src/extension.ts');
  assert.ok(entry, 'no output for src/extension.ts');
  const atActivation = new Set<string>();
  const seen = new Set<string>();
  const visit = (output: string): void => {
    if (seen.has(output)) return;
    seen.add(output);
    for (const input of Object.keys(outputs[output]!.inputs)) atActivation.add(input);
    for (const i of outputs[output]!.imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(entry);
  const all = new Set(Object.values(outputs).flatMap((o) => Object.keys(o.inputs)));
  return { atActivation, all };
}

// Libraries and project code that only a feature in use needs: loading them made activation take seconds.
const heavy = [
  'node_modules/yaml/',
  'node_modules/ajv/',
  'node_modules/dockerfile-ast/',
  'node_modules/execa/',
  'node_modules/tar-stream/',
  'node_modules/fzstd/',
  'node_modules/smol-toml/',
  'node_modules/@balena/dockerignore/',
  'src/core/schema.ts',
  'src/core/config/loadConfig.ts',
  'src/core/lint/',
  'src/core/registry/',
  'src/core/layers/',
  'src/core/build/runner.ts',
  'src/core/build/prepare.ts',
  'src/core/engines/detect.ts',
  'src/vscode/lint/lintService.ts',
  'src/vscode/sizes/sizesPanel.ts',
  'src/vscode/timeline/timelinePanel.ts',
];

describe('lazy activation', function () {
  this.timeout(60_000);
  let files: { atActivation: Set<string>; all: Set<string> };
  before(async () => {
    files = await bundle();
  });

  it('loads none of the heavy libraries or feature modules at activation', () => {
    const loaded = heavy.flatMap((h) => [...files.atActivation].filter((f) => f.startsWith(h)).slice(0, 1));
    assert.deepEqual(loaded, [], 'these must be reached only through import() at their first use');
  });

  it('still ships each of them, in chunks loaded on first use', () => {
    for (const h of heavy)
      assert.ok(
        [...files.all].some((f) => f.startsWith(h)),
        `${h} is not in the bundle at all: update this list`,
      );
  });

  it('keeps the commands table and every feature registration in what activation loads', () => {
    for (const f of ['src/vscode/commands.ts', 'src/vscode/lint/registerLint.ts', 'src/vscode/tree/registerTree.ts'])
      assert.ok(files.atActivation.has(f), `${f} is not loaded at activation`);
  });
});
