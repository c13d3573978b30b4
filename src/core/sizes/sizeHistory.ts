// Sizes measured per build, kept next to the build results so deltas survive the next build
// overwriting the OCI archive or the local tag (results.json records builds, not their sizes).
import { cellId } from '../jobs';
import { sizesPath, StateFile } from '../state';
import type { SizeRow, SizeSource } from './types';

export const DEFAULT_HISTORY_LENGTH = 10;

export interface SizeSample {
  builtAt: string;
  digest?: string;
  compressed?: number;
  uncompressed?: number;
  layers?: number;
  source: SizeSource;
}

export interface SizeHistory {
  version: 1;
  cells: Record<string, SizeSample[]>;
}

export const emptyHistory = (): SizeHistory => ({ version: 1, cells: {} });
const key = cellId;

const num = { type: 'number' };
const sizesSchema = {
  type: 'object',
  required: ['version', 'cells'],
  properties: {
    version: { const: 1 },
    cells: {
      type: 'object',
      additionalProperties: {
        type: 'array',
        items: {
          type: 'object',
          required: ['builtAt', 'source'],
          properties: {
            builtAt: { type: 'string' },
            digest: { type: 'string' },
            compressed: num,
            uncompressed: num,
            layers: num,
            source: { type: 'string' },
          },
        },
      },
    },
  },
};

/** `.multiarch/sizes.json`: a few measured samples per cell, for deltas. */
export function sizeHistoryFile(root: string): StateFile<SizeHistory> {
  return new StateFile<SizeHistory>({
    file: sizesPath(root),
    schema: sizesSchema,
    empty: emptyHistory,
    hint: 'measure sizes again (that keeps the old file aside), or delete the file; only deltas are lost',
  });
}

/** Adds each measured row as a sample of its build (replacing a sample of the same build), keeping the last `n`. */
export function recordSamples(history: SizeHistory, rows: SizeRow[], n = DEFAULT_HISTORY_LENGTH): SizeHistory {
  const cells = { ...history.cells };
  for (const r of rows) {
    if (!r.builtAt || r.error || (r.compressed === undefined && r.uncompressed === undefined)) continue;
    const sample: SizeSample = {
      builtAt: r.builtAt,
      source: r.source,
      ...(r.digest ? { digest: r.digest } : {}),
      ...(r.compressed !== undefined ? { compressed: r.compressed } : {}),
      ...(r.uncompressed !== undefined ? { uncompressed: r.uncompressed } : {}),
      ...(r.layers !== undefined ? { layers: r.layers } : {}),
    };
    const list = (cells[key(r)] ?? []).filter((s) => s.builtAt !== r.builtAt);
    list.push(sample);
    list.sort((a, b) => a.builtAt.localeCompare(b.builtAt));
    cells[key(r)] = list.slice(-n);
  }
  return { version: 1, cells };
}

/** Samples of one cell, oldest first. */
export function samplesOf(history: SizeHistory, cell: { variant: string; platform: string }): SizeSample[] {
  return history.cells[key(cell)] ?? [];
}

/** Rows with `delta` filled from the newest earlier build of the same cell, where one was measured. */
export function withDeltas(rows: SizeRow[], history: SizeHistory): SizeRow[] {
  return rows.map((r) => {
    if (!r.builtAt) return r;
    const builtAt = r.builtAt;
    const prev = samplesOf(history, r)
      .filter((s) => s.builtAt < builtAt)
      .at(-1);
    if (!prev) return r;
    const delta: NonNullable<SizeRow['delta']> = {};
    if (r.compressed !== undefined && prev.compressed !== undefined) delta.compressed = r.compressed - prev.compressed;
    if (r.uncompressed !== undefined && prev.uncompressed !== undefined)
      delta.uncompressed = r.uncompressed - prev.uncompressed;
    return Object.keys(delta).length ? { ...r, delta } : r;
  });
}
