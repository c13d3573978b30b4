// The extension's third build pass: the entry and the chunks it requires at start-up become one file.
//
// esbuild puts every module that a lazily imported feature shares with the entry into a chunk of its own, so
// activation required the entry and about two dozen small chunks. Loaded in node with the builtins the host
// already has, one file took about half the CPU of the separate files (bench/README.md, activation.ts): resolving, reading and
// compiling each file is paid per file. The chunk files stay in dist/chunks, where the chunks loaded later
// require them: each start-up chunk is registered in require.cache under its own path when it first runs,
// so a later chunk's require of it returns the instance the entry uses (one module state, as before) and
// never reads the file.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The chunks the entry requires at start-up, directly or through each other, in the ES module pass's metafile:
 * its static imports (a dynamic import() is a feature loaded on first use). Paths are relative to `esmDir`.
 */
export function startupChunks(metafile, esmDir, root) {
  const entry = relative(root, join(esmDir, 'extension.js'));
  const seen = new Set();
  const visit = (output) => {
    for (const i of metafile.outputs[output]?.imports ?? []) {
      if (i.kind !== 'import-statement' || i.external || seen.has(i.path)) continue;
      seen.add(i.path);
      visit(i.path);
    }
  };
  visit(entry);
  return [...seen].map((p) => relative(esmDir, resolve(root, p)));
}

// Runs a start-up chunk on its first require and registers it where node's loader looks first.
const loader = `"use strict";
const __startupChunks = new Map();
function __startupRequire(from) {
  const dir = require("path").dirname(from);
  return (request) => {
    const target = request.startsWith(".") ? require("path").join(dir, request) : undefined;
    const define = target && __startupChunks.get(target);
    // Anything else by its path from the chunk's own folder: a chunk loaded later, a file beside it.
    if (!define) return require(target ?? request);
    const cached = require.cache[target];
    if (cached) return cached.exports;
    const Module = require("module");
    const chunk = new Module(target, module);
    chunk.filename = target;
    chunk.paths = module.paths;
    require.cache[target] = chunk;
    define.call(chunk.exports, chunk.exports, __startupRequire(target), chunk, target, require("path").dirname(target));
    chunk.loaded = true;
    return chunk.exports;
  };
}
`;

/**
 * Rewrites `distDir/extension.js` to hold its start-up chunks (paths relative to distDir), each as a function
 * run on first require, and its source map as an index map with a section per part, so stack traces still map.
 */
export function writeStartupFile(distDir, chunks) {
  const lines = loader.split('\n');
  const sections = [];
  const add = (file, wrap) => {
    const path = join(distDir, file);
    const code = readFileSync(path, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
    lines.push(wrap[0]);
    sections.push({ offset: { line: lines.length, column: 0 }, map: mapFrom(`${path}.map`, distDir) });
    lines.push(...code.split('\n'));
    lines.push(wrap[1]);
  };
  for (const chunk of chunks)
    add(chunk, [
      `__startupChunks.set(require("path").join(__dirname, ${JSON.stringify(chunk)}), function (exports, require, module, __filename, __dirname) {`,
      '});',
    ]);
  add('extension.js', [
    '(function (exports, require, module, __filename, __dirname) {',
    '})(exports, __startupRequire(__filename), module, __filename, __dirname);',
  ]);
  lines.push('//# sourceMappingURL=extension.js.map', '');
  writeFileSync(join(distDir, 'extension.js.map'), JSON.stringify({ version: 3, file: 'extension.js', sections }));
  writeFileSync(join(distDir, 'extension.js'), lines.join('\n'));
}

// A chunk's source map with its sources made relative to distDir, where the index map lives.
function mapFrom(mapPath, distDir) {
  const map = JSON.parse(readFileSync(mapPath, 'utf8'));
  const from = dirname(mapPath);
  return { ...map, sources: map.sources.map((s) => relative(distDir, resolve(from, s))) };
}
