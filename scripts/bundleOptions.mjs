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
