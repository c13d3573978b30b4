// Types for bundleOptions.mjs (used by bench/shipped.mjs and test/unit/architecture/lazyActivation.test.ts).
import type { BuildOptions } from 'esbuild';

/** The esbuild options of what ships for node (the CLI; the extension starts from these). */
export function nodeBundleOptions(root: string, opts?: { watch?: boolean }): BuildOptions;

/** The extension: an ES module split into chunks, loaded on first use. */
export function extensionBundleOptions(root: string, opts?: { watch?: boolean }): BuildOptions;
