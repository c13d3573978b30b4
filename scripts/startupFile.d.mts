// Types for startupFile.mjs (used by scripts/bundleOptions.mjs and test/unit/architecture/startupFile.test.ts).
import type { Metafile } from 'esbuild';

/** The chunks the entry requires at start-up (paths relative to `esmDir`), from the ES module pass's metafile. */
export function startupChunks(metafile: Metafile, esmDir: string, root: string): string[];

/** Rewrites `distDir/extension.js` to hold `chunks` (paths relative to distDir), and its map as an index map. */
export function writeStartupFile(distDir: string, chunks: string[]): void;
