// One bundler for everything: the extension, the CLI and the integration-test bundle.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { commonJsChunks, extensionBundleOptions, nodeBundleOptions } from './bundleOptions.mjs';

const root = new URL('..', import.meta.url).pathname;
const watch = process.argv.includes('--watch');
const withTests = process.argv.includes('--tests');

const common = nodeBundleOptions(root, { watch });

function listTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listTests(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

const builds = [
  { ...extensionBundleOptions(root, { watch }), plugins: [commonJsChunks(root, { watch })] },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    metafile: true,
    banner: { js: "#!/usr/bin/env node\nconst importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  },
];
// Each webview runs in the browser: its own IIFE bundle next to its stylesheet, the stylesheet every page
// shares (media/shared/page.css) and the codicon font, all under media/<panel> so each panel's
// localResourceRoots can stay limited to its own folder.
const codicons = join(root, 'node_modules', '@vscode', 'codicons', 'dist');
for (const panel of ['sizes', 'timeline']) {
  builds.push({
    absWorkingDir: root,
    entryPoints: [`media/${panel}/src/main.ts`],
    outfile: `media/${panel}/${panel}.js`,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: !watch,
    sourcemap: watch ? 'inline' : false,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  mkdirSync(join(root, 'media', panel, 'codicons'), { recursive: true });
  for (const name of ['codicon.css', 'codicon.ttf'])
    copyFileSync(join(codicons, name), join(root, 'media', panel, 'codicons', name));
  copyFileSync(join(root, 'media', 'shared', 'page.css'), join(root, 'media', panel, 'page.css'));
}

if (withTests) {
  builds.push({
    ...common,
    minify: false,
    sourcemap: 'inline',
    entryPoints: listTests(join(root, 'test/integration')).map((p) => relative(root, p)),
    outdir: 'out/integration',
    outbase: 'test/integration',
    external: ['vscode', 'mocha'],
  });
}

// The extension's first pass writes ES module chunks here; stale ones would be turned into CommonJS again.
rmSync(join(root, 'out', 'extension-esm'), { recursive: true, force: true });

if (watch) {
  const ctxs = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(ctxs.map((c) => c.watch()));
  console.log('watching…');
} else {
  const results = await Promise.all(builds.map((b) => esbuild.build(b)));
  for (const r of results) {
    if (!r.metafile) continue;
    for (const [file, info] of Object.entries(r.metafile.outputs)) {
      // The extension's first pass is not what ships: its size is printed from dist/ below.
      if (file.endsWith('.js') && !file.startsWith('out/extension-esm/'))
        console.log(`${file}  ${(info.bytes / 1024).toFixed(1)} KiB`);
    }
  }
  const chunks = readdirSync(join(root, 'dist', 'chunks')).filter((f) => f.endsWith('.js')).length;
  const entry = statSync(join(root, 'dist', 'extension.js')).size;
  console.log(`dist/extension.js  ${(entry / 1024).toFixed(1)} KiB (+ ${chunks} chunk files in dist/chunks)`);
}
