import { join } from 'node:path';
// The esbuild options of everything that ships for node (the extension and the CLI), in one place, so a
// benchmark can measure the code exactly as it ships (bench/shipped.mjs) rather than as tsx runs it.
export function nodeBundleOptions(root, { watch = false } = {}) {
  return {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    minify: !watch,
    logLevel: 'warning',
    absWorkingDir: root,
    // execa and friends are ESM; bundling them to CJS turns import.meta.url into a shim.
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
    loader: { '.json': 'json' },
  };
}

/**
 * The extension, split so that activation loads only the entry and what it imports statically; every `import()` in
 * src/ (a feature's implementation, a heavy library) becomes a chunk under dist/chunks, loaded on first use.
 * esbuild splits only ES modules, so this first pass writes ES module chunks to out/extension-esm, and
 * `commonJsChunks` turns each into a CommonJS file in dist/ (`import()` of a chunk becomes a `require()` when it is
 * first called). The extension host loads CommonJS with one synchronous require: as an ES module, the same entry
 * took seconds to load on a busy machine (its graph loaded asynchronously between other extensions' work, each
 * module resolved through VS Code's loader hook; bench/README.md, activation.ts).
 */
export function extensionBundleOptions(root, { watch = false } = {}) {
  return {
    ...nodeBundleOptions(root, { watch }),
    format: 'esm',
    splitting: true,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'out/extension-esm',
    chunkNames: 'chunks/[name]-[hash]',
    external: ['vscode'],
    // The third pass (startupFile.mjs) reads which chunks the entry imports statically.
    metafile: true,
    // The second pass adds the banner (importMetaUrl) to every CommonJS file.
    banner: {},
  };
}

/**
 * The second and third passes of the extension's build (an esbuild plugin on the first): each ES module chunk →
 * CommonJS in dist/, then the entry and its start-up chunks → one dist/extension.js (startupFile.mjs).
 */
export function commonJsChunks(
  root,
  { watch = false, esmDir = join(root, 'out', 'extension-esm'), distDir = join(root, 'dist') } = {},
) {
  return {
    name: 'commonjs-chunks',
    setup(build) {
      build.onEnd(async (result) => {
        if (result.errors.length) return;
        const esbuild = await import('esbuild');
        const { readdirSync, rmSync } = await import('node:fs');
        const from = esmDir;
        const files = [
          join(from, 'extension.js'),
          ...readdirSync(join(from, 'chunks'))
            .filter((f) => f.endsWith('.js'))
            .map((f) => join(from, 'chunks', f)),
        ];
        // Chunk names carry a hash: without this, chunks of earlier builds would pile up and be packaged.
        rmSync(join(distDir, 'chunks'), { recursive: true, force: true });
        await esbuild.build({
          absWorkingDir: root,
          entryPoints: files,
          outbase: from,
          outdir: distDir,
          bundle: false,
          platform: 'node',
          target: 'node20',
          format: 'cjs',
          // import() of a chunk becomes Promise.resolve().then(() => require(chunk)).
          supported: { 'dynamic-import': false },
          minify: !watch,
          sourcemap: 'linked',
          logLevel: 'warning',
          banner: nodeBundleOptions(root).banner,
        });
        const { startupChunks, writeStartupFile } = await import('./startupFile.mjs');
        writeStartupFile(distDir, startupChunks(result.metafile, from, root));
      });
    },
  };
}
