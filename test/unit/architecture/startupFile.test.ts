import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type * as BundleOptions from '../../../scripts/bundleOptions.mjs';
import type * as StartupFile from '../../../scripts/startupFile.mjs';

const repo = resolve(__dirname, '../../..');

// Loads the built entry in a node process of its own with a `vscode` module made of every name @types/vscode
// exports (each a callable, constructible stand-in), and says which files node read and compiled from disk.
const probe = `
const Module = require('module');
const { readFileSync } = require('fs');
const [entry, types] = process.argv.slice(2);
const stand = () => new Proxy(function () {}, {
  get: (_t, k) => (k === 'then' ? undefined : k === Symbol.toPrimitive ? () => '' : stand()),
  apply: () => stand(),
  construct: () => stand(),
});
const vscode = {};
for (const [, name] of readFileSync(types, 'utf8').matchAll(/^\\t*export (?:class|enum|namespace|const) (\\w+)/gm)) vscode[name] = stand();
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? vscode : load.call(this, request, ...rest); };
const compiled = [];
const js = Module._extensions['.js'];
Module._extensions['.js'] = function (module, filename) { compiled.push(filename); return js(module, filename); };
const api = require(entry);
const registered = Object.keys(require.cache).filter((f) => f.includes('/chunks/'));
const same = registered.every((f) => require(f) === require.cache[f].exports);
console.log(JSON.stringify({ compiled, registered, same, activate: typeof api.activate }));
`;

describe('the start-up file', function () {
  this.timeout(120_000);
  let dir: string;
  let dist: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'multiarch-startup-'));
    dist = join(dir, 'dist');
    const esbuild = await import('esbuild');
    const { commonJsChunks, extensionBundleOptions }: typeof BundleOptions =
      await import('../../../scripts/bundleOptions.mjs');
    const esmDir = join(dir, 'esm');
    await esbuild.build({
      ...extensionBundleOptions(repo),
      outdir: esmDir,
      logLevel: 'silent',
      plugins: [commonJsChunks(repo, { esmDir, distDir: dist })],
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('activation compiles one file: the start-up chunks run from it and are shared with the chunks loaded later', async () => {
    writeFileSync(join(dir, 'probe.cjs'), probe);
    const types = join(repo, 'node_modules', '@types', 'vscode', 'index.d.ts');
    const { stdout } = await promisify(execFile)(process.execPath, [
      join(dir, 'probe.cjs'),
      join(dist, 'extension.js'),
      types,
    ]);
    const r = JSON.parse(stdout) as { compiled: string[]; registered: string[]; same: boolean; activate: string };
    assert.deepEqual(r.compiled, [join(dist, 'extension.js')]);
    assert.equal(r.activate, 'function');
    assert.ok(r.registered.length > 5, `only ${r.registered.length} start-up chunks registered`);
    // A chunk loaded later finds each start-up chunk's instance (require() of it compiled nothing more).
    assert.equal(r.same, true);
    for (const f of r.registered) assert.ok(existsSync(f), `${f} is not on disk for later chunks to resolve`);
  });

  it('maps every part of the file back to its sources', () => {
    const map = JSON.parse(readFileSync(join(dist, 'extension.js.map'), 'utf8')) as {
      sections: { offset: { line: number }; map: { sources: string[] } }[];
    };
    const lines = readFileSync(join(dist, 'extension.js'), 'utf8').split('\n');
    assert.ok(map.sections.length > 5);
    const offsets = map.sections.map((s) => s.offset.line);
    assert.deepEqual(
      offsets,
      [...offsets].sort((a, b) => a - b),
    );
    for (const s of map.sections) {
      // Each part starts with the CommonJS banner its own map was made with.
      assert.match(lines[s.offset.line]!, /^const importMetaUrl = /);
      for (const source of s.map.sources) assert.ok(existsSync(resolve(dist, source)), `${source} not found`);
    }
    const last = map.sections.at(-1)!.map.sources.map((s) => resolve(dist, s));
    assert.ok(last.includes(join(repo, 'src', 'extension.ts')), 'the entry is not the last part');
  });

  it('a start-up chunk requires what is not in the file from its own folder, on first use too', async () => {
    const { writeStartupFile }: typeof StartupFile = await import('../../../scripts/startupFile.mjs');
    const root = join(dir, 'synthetic');
    const chunks = join(root, 'chunks');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(chunks, { recursive: true });
    const map = (file: string) =>
      writeFileSync(`${file}.map`, JSON.stringify({ version: 3, sources: [], mappings: '' }));
    const files: Record<string, string> = {
      'chunks/shared.js': 'module.exports = { state: [] };',
      // Loaded on first use, from a start-up chunk: it is not in the start-up file.
      'chunks/lazy.js': 'const shared = require("./shared.js"); module.exports = () => shared;',
      'chunks/feature.js':
        'const shared = require("./shared.js"); module.exports = { shared, later: () => Promise.resolve().then(() => require("./lazy.js")) };',
      'extension.js': 'const f = require("./chunks/feature.js"); module.exports = { f };',
    };
    for (const [file, code] of Object.entries(files)) {
      writeFileSync(join(root, file), `const importMetaUrl = "";\n${code}\n//# sourceMappingURL=${file}.map\n`);
      map(join(root, file));
    }
    writeStartupFile(root, ['chunks/shared.js', 'chunks/feature.js']);
    const probe = `const e = require(${JSON.stringify(join(root, 'extension.js'))});
      e.f.later().then((lazy) => console.log(JSON.stringify({ same: lazy() === e.f.shared })));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', probe]);
    assert.deepEqual(JSON.parse(stdout), { same: true });
  });
});
