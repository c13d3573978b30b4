// Sizes measured per build, kept next to the build results so deltas survive the next build
// overwriting the OCI archive or the local tag (results.json records builds, not their sizes).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SizeRow, SizeSource } from './types';

export const HISTORY_FILE = join('.multiarch', 'sizes.json');
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
const key = (r: { variant: string; platform: string }): string => `${r.variant}@${r.platform}`;

export async function readSizeHistory(root: string): Promise<SizeHistory> {
  try {
    const doc = JSON.parse(await readFile(join(root, HISTORY_FILE), 'utf8')) as Partial<SizeHistory>;
    if (doc.version !== 1 || typeof doc.cells !== 'object' || doc.cells === null) return emptyHistory();
    return { version: 1, cells: doc.cells };
  } catch {
    // A missing or corrupt history only loses deltas; the sizes themselves are re-read from the images.
    return emptyHistory();
  }
}

export async function writeSizeHistory(root: string, history: SizeHistory): Promise<void> {
  const file = join(root, HISTORY_FILE);
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(history, null, 2)}\n`);
  await rename(tmp, file);
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
    if (r.uncompressed !== undefined && prev.uncompressed !== undefined) delta.uncompressed = r.uncompressed - prev.uncompressed;
    return Object.keys(delta).length ? { ...r, delta } : r;
  });
}
