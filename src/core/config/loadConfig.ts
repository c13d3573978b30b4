import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isMap, isPair, isScalar, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { ConfigProblem, ConfigResult, RawConfig } from './types';
import { validateAgainstSchema } from './validate';
import { resolveConfig, semanticProblems } from './resolve';

export const configFileNames = ['multiarch.yaml', '.multiarch.yaml', 'multiarch.yml', '.multiarch.yml'];

/**
 * Beyond these a config is not a build matrix anyone maintains by hand, and parsing it would stall the
 * editor; both limits come back as located problems.
 */
export const configLimits = { bytes: 1024 * 1024, variants: 1000 };

/** Reads, validates and resolves a config file. Never throws for bad content: problems come back located. */
export async function loadConfig(file: string): Promise<ConfigResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return {
      ok: false,
      problems: [{ file, line: 1, column: 1, path: '', message: `cannot read the config file: ${(err as Error).message}` }],
    };
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, file: string): ConfigResult {
  const bytes = Buffer.byteLength(text);
  if (bytes > configLimits.bytes) {
    return {
      ok: false,
      problems: [{ file, line: 1, column: 1, path: '', message: `the config is ${bytes} bytes, over the ${configLimits.bytes}-byte limit: split the matrix into several configs` }],
    };
  }
  const lineCounter = new LineCounter();
  // yaml's own uniqueKeys check compares each key with every earlier one (quadratic); duplicateKeys is linear.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false, strict: true });
  const at = (offset: number): { line: number; column: number } => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };

  const syntax = doc.errors.map<ConfigProblem>((e) => ({
    file,
    ...at(e.pos[0]),
    path: '',
    message: yamlMessage(e.message),
  }));
  if (syntax.length) return { ok: false, problems: syntax };
  const duplicates = duplicateKeys(doc).map<ConfigProblem>(({ key, offset }) => ({
    file,
    ...at(offset),
    path: '',
    message: `duplicate key "${key}": each key (and each variant name) may appear once`,
  }));
  if (duplicates.length) return { ok: false, problems: sortProblems(duplicates) };
  const variants = doc.get('variants', true);
  if (isMap(variants) && variants.items.length > configLimits.variants) {
    const key = variants.items[configLimits.variants]!.key as Node;
    return {
      ok: false,
      problems: [{
        file,
        ...at(key.range?.[0] ?? 0),
        path: '/variants',
        message: `${variants.items.length} variants, over the limit of ${configLimits.variants}: split the matrix into several configs`,
      }],
    };
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (err) {
    return { ok: false, problems: [{ file, line: 1, column: 1, path: '', message: (err as Error).message }] };
  }
  const locate = (path: string[], onKey: boolean): { line: number; column: number } => {
    const range = nodeRange(doc, path, onKey);
    return range ? at(range) : { line: 1, column: 1 };
  };

  const schemaProblems = validateAgainstSchema(value).map<ConfigProblem>((p) => ({
    file,
    ...locate(p.path, p.onKey),
    path: '/' + p.path.join('/'),
    message: p.message,
  }));
  if (schemaProblems.length) return { ok: false, problems: sortProblems(schemaProblems) };

  const raw = value as RawConfig;
  const semantic = semanticProblems(raw).map<ConfigProblem>((p) => ({
    file,
    ...locate(p.path, false),
    path: '/' + p.path.join('/'),
    message: p.message,
  }));
  if (semantic.length) return { ok: false, problems: sortProblems(semantic) };
  return { ok: true, config: resolveConfig(raw, dirname(file), file) };
}

function yamlMessage(message: string): string {
  return `YAML syntax error: ${message.split('\n')[0]}`;
}

/** Every repeated scalar key of every mapping, at the repeat, in one pass with a set per mapping. */
function duplicateKeys(doc: Document): { key: string; offset: number }[] {
  const found: { key: string; offset: number }[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (seen.has(key)) found.push({ key, offset: pair.key.range?.[0] ?? 0 });
        seen.add(key);
      }
    },
  });
  return found;
}

function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
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
