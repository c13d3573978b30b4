import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { ConfigOptions, ConfigProblem, ConfigResult, RawConfig } from './types';
import { validateAgainstSchema } from './validate';
import { resolveConfig, semanticProblems } from './resolve';
import { outsidePaths } from './projectBounds';

/** Reads, validates and resolves a config file. Never throws for bad content: problems come back located. */
export async function loadConfig(file: string, opts: ConfigOptions = {}): Promise<ConfigResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return {
      ok: false,
      problems: [
        { file, line: 1, column: 1, path: '', message: `cannot read the config file: ${(err as Error).message}` },
      ],
    };
  }
  return parseConfig(text, file, opts);
}

/** The README's limits: a config beyond them is refused (located), not planned, linted or built. */
export const MAX_CONFIG_BYTES = 1_000_000;
export const MAX_VARIANTS = 1000;

export function parseConfig(text: string, file: string, opts: ConfigOptions = {}): ConfigResult {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_CONFIG_BYTES) {
    return {
      ok: false,
      problems: [
        {
          file,
          line: 1,
          column: 1,
          path: '',
          message: `the config is ${bytes} bytes, over the limit of ${MAX_CONFIG_BYTES} (1 MB); split the matrix into several configs`,
        },
      ],
    };
  }
  const parsed = parseYamlValue(text, file);
  if (!parsed.ok) return parsed;
  const { value, locate } = parsed;

  const schemaProblems = validateAgainstSchema(value).map<ConfigProblem>((p) => ({
    file,
    ...locate(p.path, p.onKey),
    path: '/' + p.path.join('/'),
    message: p.message,
  }));
  if (schemaProblems.length) return { ok: false, problems: sortProblems(schemaProblems) };

  const raw = value as RawConfig;
  const count = Object.keys(raw.variants ?? {}).length;
  if (count > MAX_VARIANTS) {
    return {
      ok: false,
      problems: [
        {
          file,
          ...locate(['variants'], true),
          path: '/variants',
          message: `${count} variants, over the limit of ${MAX_VARIANTS}; split the matrix into several configs`,
        },
      ],
    };
  }
  const semantic = semanticProblems(raw).map<ConfigProblem>((p) => ({
    file,
    ...locate(p.path, false),
    path: '/' + p.path.join('/'),
    message: p.message,
  }));
  if (semantic.length) return { ok: false, problems: sortProblems(semantic) };
  const config = resolveConfig(raw, { root: dirname(file), file, ...opts });
  const outside = outsidePaths(raw, config).map((o) => ({ ...o, ...locate(o.pointer, false) }));
  return { ok: true, config: outside.length ? { ...config, outside } : config };
}

/** Where a value of the document is: 1-based line and column of the node at `path` (or of its key). */
export type Locate = (path: string[], onKey: boolean) => { line: number; column: number };

/** YAML text → plain value plus a way to locate paths in it; syntax problems come back located. */
export function parseYamlValue(
  text: string,
  file: string,
): { ok: true; value: unknown; locate: Locate } | { ok: false; problems: ConfigProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const at = (offset: number): { line: number; column: number } => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };

  const syntax = doc.errors.map<ConfigProblem>((e) => ({
    file,
    ...at(e.pos[0]),
    path: '',
    message: yamlMessage(e.code, e.message, text.slice(e.pos[0])),
  }));
  // Nesting past the parser's stack fails at every level: the first says it.
  const deep = syntax.find((p) => /nested too deeply/.test(p.message));
  if (deep) return { ok: false, problems: [deep] };
  if (syntax.length) return { ok: false, problems: syntax };

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (err) {
    return { ok: false, problems: [{ file, line: 1, column: 1, path: '', message: (err as Error).message }] };
  }
  const locate: Locate = (path, onKey) => {
    const range = nodeRange(doc, path, onKey);
    return range ? at(range) : { line: 1, column: 1 };
  };
  return { ok: true, value, locate };
}

function yamlMessage(code: string, message: string, rest: string): string {
  if (code === 'DUPLICATE_KEY') {
    const key =
      /^("[^"]*"|'[^']*'|[^:\n]+)/
        .exec(rest)?.[1]
        ?.trim()
        .replace(/^["']|["']$/g, '') ?? '';
    return `duplicate key "${key}": each key (and each variant name) may appear once`;
  }
  if (/Maximum call stack size exceeded/.test(message))
    return 'the YAML is nested too deeply to read; a config needs only a few levels';
  return `YAML syntax error: ${message.split('\n')[0]}`;
}

export function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Offset of the node at `path` (or of its key), walking the YAML AST so positions match what the user wrote. */
function nodeRange(doc: Document, path: string[], onKey: boolean): number | undefined {
  let node: Node | null | undefined = doc.contents as Node | null;
  let best = node?.range?.[0];
  for (let i = 0; i < path.length; i++) {
    if (!node) break;
    const key = path[i]!;
    if (isMap(node)) {
      const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === key);
      if (!pair) break;
      const keyNode = pair.key as Node;
      best = keyNode.range?.[0] ?? best;
      if (i === path.length - 1 && onKey) return best;
      node = pair.value as Node | null;
      if (node?.range) best = node.range[0];
    } else if ('items' in node && Array.isArray((node as { items: unknown[] }).items)) {
      const item: Node | undefined = (node as { items: Node[] }).items[Number(key)];
      if (!item) break;
      node = item;
      if (item.range) best = item.range[0];
    } else break;
  }
  return best;
}
