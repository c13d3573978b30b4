// Types for bundleOptions.mjs (used by bench/shipped.mjs and test/unit/architecture/lazyActivation.test.ts).
import type { BuildOptions } from 'esbuild';

/** The esbuild options of what ships for node (the CLI; the extension starts from these). */
export function nodeBundleOptions(root: string, opts?: { watch?: boolean }): BuildOptions;

/** The extension's first pass: ES module chunks (out/extension-esm), each loaded on first use. */
export function extensionBundleOptions(root: string, opts?: { watch?: boolean }): BuildOptions;

/** An esbuild plugin for the extension's build: turns its ES module chunks into CommonJS files in dist/. */
export function commonJsChunks(
  root: string,
  opts?: { watch?: boolean; esmDir?: string; distDir?: string },
): import('esbuild').Plugin;
