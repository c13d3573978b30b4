import { strict as assert } from 'node:assert';
import { dirname, resolve } from 'node:path';
import madge from 'madge';

const repo = resolve(__dirname, '../../..');

/** A folder and its own subfolder may depend on each other (a feature and its parts); nothing else may. */
const related = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

/** Folders that reach each other through imports (strongly connected components of the folder graph, Tarjan). */
export function folderCycles(graph: Record<string, string[]>): { folders: string[]; imports: string[] }[] {
  const edges = new Map<string, Map<string, string[]>>();
  for (const [file, deps] of Object.entries(graph)) {
    for (const dep of deps) {
      const [a, b] = [dirname(file), dirname(dep)];
      if (related(a, b)) continue;
      const out = edges.get(a) ?? edges.set(a, new Map()).get(a)!;
      (out.get(b) ?? out.set(b, []).get(b)!).push(`${file} → ${dep}`);
    }
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: { folders: string[]; imports: string[] }[] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const folders: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      folders.push(w);
    } while (w !== v);
    if (folders.length > 1) {
      const imports = folders.flatMap((a) => folders.flatMap((b) => edges.get(a)?.get(b) ?? []));
      cycles.push({ folders: folders.sort(), imports });
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

describe('import structure', () => {
  it('finds a cycle between folders, and ignores a folder importing its own subfolder', () => {
    const cycles = folderCycles({
      'a/x.ts': ['b/y.ts', 'a/sub/z.ts'],
      'a/sub/z.ts': ['a/x.ts'],
      'b/y.ts': ['c/w.ts'],
      'c/w.ts': ['a/x.ts'],
    });
    assert.deepEqual(
      cycles.map((c) => c.folders),
      [['a', 'b', 'c']],
    );
  });

  // One madge run for both checks: it parses every source file.
  let result: Awaited<ReturnType<typeof madge>>;
  before(async function () {
    // madge parses every source file: seconds on a quiet machine, more while builds share the CPU.
    this.timeout(120_000);
    result = await madge(['src', 'media/sizes/src', 'media/timeline/src'], {
      baseDir: repo,
      fileExtensions: ['ts'],
      tsConfig: resolve(repo, 'tsconfig.json'),
    });
  });

  it('has no import cycle between files of src/ and the webview sources (type imports included)', () => {
    const cycles = result.circular();
    assert.deepEqual(cycles, [], cycles.map((c) => c.join(' → ')).join('\n'));
  });

  it('has no import cycle between folders of src/ and the webview sources (type imports included)', () => {
    const graph = result.obj();
    assert.ok(Object.keys(graph).length > 100, 'madge found the sources');
    const cycles = folderCycles(graph);
    assert.deepEqual(
      cycles,
      [],
      cycles.map((c) => `${c.folders.join(' ↔ ')}:\n  ${c.imports.join('\n  ')}`).join('\n'),
    );
  });
});
