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
 * The extension: an ES module (VS Code >= 1.100 loads a `main` ending in .mjs with import()) split into chunks, so
 * activation loads only the entry and what it imports statically; every `import()` in src/ (a feature's
 * implementation, a heavy library) becomes a chunk under dist/chunks loaded on first use. `vscode` stays an
 * import the extension host resolves. The bundled CommonJS dependencies (yaml, dockerfile-ast, tar-stream) call
 * require() for node's modules, which an ES module only has through createRequire.
 */
export function extensionBundleOptions(root, { watch = false } = {}) {
  return {
    ...nodeBundleOptions(root, { watch }),
    format: 'esm',
    splitting: true,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    external: ['vscode'],
    define: {},
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  };
}
