import { isMap, isScalar, isSeq, parseDocument, stringify, type Document, type Pair, type YAMLSeq } from 'yaml';

/** A node as written under `nodes:` in multiarch.yaml (and in the `multiarch.nodes` setting). */
export interface NodeEntry {
  name: string;
  engine: string;
  endpoint: string;
  platforms: string[];
}

/** One replacement in the file's text: the editor turns it into a WorkspaceEdit, so undo works. */
export interface TextEdit {
  offset: number;
  length: number;
  text: string;
}

export class ConfigEditError extends Error {}

export function applyTextEdit(text: string, edit: TextEdit): string {
  return text.slice(0, edit.offset) + edit.text + text.slice(edit.offset + edit.length);
}

/**
 * Adds `node` to the `nodes:` list. The yaml Document finds where; only the new lines are written, so the
 * user's comments, quoting and layout everywhere else stay byte for byte (`Document.toString()` would
 * reformat flow collections and long strings).
 */
export function addNodeEdit(text: string, node: NodeEntry): TextEdit {
  const doc = parse(text);
  const names = existingNames(doc);
  if (names.includes(node.name))
    throw new ConfigEditError(
      `multiarch.yaml already has a node named "${node.name}"; pick another name or remove that node first.`,
    );
  const pair = nodesPair(doc);
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  if (!pair) {
    const indent = ' '.repeat(detectIndent(text));
    const lead = text.length === 0 || text.endsWith('\n') ? '' : nl;
    return {
      offset: text.length,
      length: 0,
      text: `${lead}nodes:${nl}${renderItem(node, { dashIndent: indent, contentIndent: indent + '  ', nl })}`,
    };
  }
  const value = pair.value;
  if (isSeq(value) && !value.flow && value.items.length > 0) {
    const first = value.items[0] as { range?: [number, number, number] };
    const last = value.items[value.items.length - 1] as { range?: [number, number, number] };
    const start = first.range![0];
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const dash = text.lastIndexOf('-', start - 1);
    const dashIndent = text.slice(lineStart, dash);
    const contentIndent = ' '.repeat(start - lineStart);
    // After the last item's line break (there is none when the file ends without one).
    const at = last.range![2];
    const lead = text[at - 1] === '\n' ? '' : nl;
    return { offset: at, length: 0, text: lead + renderItem(node, { dashIndent, contentIndent, nl }) };
  }
  // `nodes:` empty, `nodes: []` or a flow list: replace the value with a block list of every node.
  const keyRange = (pair.key as { range: [number, number, number] }).range;
  const keyLineStart = text.lastIndexOf('\n', keyRange[0] - 1) + 1;
  const keyIndent = text.slice(keyLineStart, keyRange[0]);
  const unit = ' '.repeat(detectIndent(text));
  const before = isSeq(value) ? (value.toJSON() as NodeEntry[]) : [];
  const items = [...before, node]
    .map((n) => renderItem(n, { dashIndent: keyIndent + unit, contentIndent: keyIndent + unit + '  ', nl }))
    .join('');
  const colon = text.indexOf(':', keyRange[1]);
  const valueRange = (value as { range?: [number, number, number] } | null)?.range;
  const from = colon + 1;
  const to = valueRange ? valueRange[1] : from;
  // The newline that ended the old value stays; the block list brings its own line breaks before it.
  const trimmed = items.endsWith(nl) ? items.slice(0, -nl.length) : items;
  return { offset: from, length: to - from, text: nl + trimmed };
}

/**
 * Removes the node named `name` from `nodes:`: its lines and the comment lines right above it. The last node
 * takes the `nodes:` key with it (an empty `nodes:` would be null, which the schema refuses).
 */
export function removeNodeEdit(text: string, name: string): TextEdit {
  const doc = parse(text);
  const pair = nodesPair(doc);
  const seq = pair && isSeq(pair.value) ? (pair.value as YAMLSeq) : undefined;
  const index = seq ? seq.items.findIndex((i) => isMap(i) && i.get('name') === name) : -1;
  if (!pair || !seq || index < 0)
    throw new ConfigEditError(
      `multiarch.yaml has no node named "${name}"; it may have been removed already (reload the Builders view).`,
    );
  if (seq.flow) {
    const rest = (seq.toJSON() as NodeEntry[]).filter((n) => n.name !== name);
    const r = seq.range!;
    return { offset: r[0], length: r[1] - r[0], text: rest.length ? flowList(rest) : '[]' };
  }
  if (seq.items.length === 1) {
    const keyStart = (pair.key as { range: [number, number, number] }).range[0];
    const from = lineStartOf(text, keyStart);
    const item = seq.items[0] as { range: [number, number, number] };
    return { offset: from, length: lineEndAfter(text, item.range[1]) - from, text: '' };
  }
  const item = seq.items[index] as { range: [number, number, number] };
  const itemLine = lineStartOf(text, item.range[0]);
  const dash = text.lastIndexOf('-', item.range[0] - 1);
  const dashIndent = text.slice(itemLine, dash);
  const from = commentLinesAbove(text, itemLine, dashIndent);
  const next = seq.items[index + 1] as { range: [number, number, number] } | undefined;
  // Up to the next item's own comment lines, which belong to it; else to the end of this item's value.
  const to = next
    ? commentLinesAbove(text, lineStartOf(text, next.range[0]), dashIndent)
    : lineEndAfter(text, item.range[1]);
  return { offset: from, length: to - from, text: '' };
}

function parse(text: string): Document {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length)
    throw new ConfigEditError(
      `multiarch.yaml has a syntax error (${doc.errors[0]!.message.split('\n')[0]}); fix it, then try again.`,
    );
  if (doc.contents !== null && !(isMap(doc.contents) && !doc.contents.flow)) {
    throw new ConfigEditError(
      'multiarch.yaml is not a block mapping at the top level; add the node under `nodes:` by hand.',
    );
  }
  return doc;
}

function nodesPair(doc: Document): Pair | undefined {
  if (!isMap(doc.contents)) return undefined;
  return doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'nodes');
}

function existingNames(doc: Document): string[] {
  const pair = nodesPair(doc);
  if (!pair || !isSeq(pair.value)) return [];
  return pair.value.items.flatMap((i) =>
    isMap(i) && typeof i.get('name') === 'string' ? [i.get('name') as string] : [],
  );
}

function scalar(value: string): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

function flowList(nodes: NodeEntry[]): string {
  return `[${nodes.map((n) => `{ name: ${scalar(n.name)}, engine: ${scalar(n.engine)}, endpoint: ${scalar(n.endpoint)}, platforms: [${n.platforms.map(scalar).join(', ')}] }`).join(', ')}]`;
}

/** A list item: its dash at `dashIndent`, its fields at `contentIndent`, lines ended by `nl`. */
function renderItem(
  node: NodeEntry,
  { dashIndent, contentIndent, nl }: { dashIndent: string; contentIndent: string; nl: string },
): string {
  return [
    `${dashIndent}-${' '.repeat(Math.max(1, contentIndent.length - dashIndent.length - 1))}name: ${scalar(node.name)}`,
    `${contentIndent}engine: ${scalar(node.engine)}`,
    `${contentIndent}endpoint: ${scalar(node.endpoint)}`,
    `${contentIndent}platforms: [${node.platforms.map(scalar).join(', ')}]`,
  ]
    .map((l) => l + nl)
    .join('');
}

/** The indent of the first indented line (the user's style), else 2. */
function detectIndent(text: string): number {
  const m = /^( +)\S/m.exec(text);
  return m ? Math.min(m[1]!.length, 8) : 2;
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The offset after the line break that ends the line holding `offset - 1` (or the end of the text). */
function lineEndAfter(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

/** Moves `lineStart` up over comment lines written at `indent` directly above it. */
function commentLinesAbove(text: string, lineStart: number, indent: string): number {
  let at = lineStart;
  while (at > 0) {
    const prev = text.lastIndexOf('\n', at - 2) + 1;
    const line = text.slice(prev, at - 1).replace(/\r$/, '');
    if (!line.startsWith(indent + '#')) break;
    at = prev;
  }
  return at;
}
