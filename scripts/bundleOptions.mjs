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
 * The extension's `import * as vscode from 'vscode'` sites (one per module, 50+) each compiled to a copy of
 * the whole API object (esbuild's CommonJS interop defines a getter per API name at load time), which was a
 * visible part of loading the extension. This plugin gives them one ES module instead, which reads the API
 * once and exports its value names (from @types/vscode); esbuild then binds each `vscode.x` directly.
 */
export function vscodeApiPlugin(root) {
  return {
    name: 'vscode-api',
    setup(build) {
      build.onResolve({ filter: /^vscode$/ }, (args) =>
        args.namespace === 'vscode-api'
          ? { path: 'vscode', external: true }
          : { path: 'vscode', namespace: 'vscode-api' },
      );
      build.onLoad({ filter: /.*/, namespace: 'vscode-api' }, async () => {
        const { readFile } = await import('node:fs/promises');
        const types = await readFile(`${root}/node_modules/@types/vscode/index.d.ts`, 'utf8');
        const names = [
          ...new Set(
            [...types.matchAll(/^\texport (?:class|enum|namespace|function|const|let) (\w+)/gm)].map((m) => m[1]),
          ),
        ];
        const lines = ["const api = require('vscode');", ...names.map((n) => `export const ${n} = api.${n};`)];
        return { contents: lines.join('\n'), loader: 'js' };
      });
    },
  };
}
