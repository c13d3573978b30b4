// Reads the build results (<root>/.multiarch/results.json) whatever container shape the store uses,
// keeping only entries that have a BuildRecord's required fields.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildRecord } from '../results/types';

export const RESULTS_FILE = join('.multiarch', 'results.json');

export function resultsPath(root: string): string {
  return join(root, RESULTS_FILE);
}

function isRecord(v: unknown): v is BuildRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Partial<Record<keyof BuildRecord, unknown>>;
  return (
    typeof r.variant === 'string' &&
    typeof r.platform === 'string' &&
    typeof r.startedAt === 'string' &&
    typeof r.durationMs === 'number' &&
    (r.status === 'succeeded' || r.status === 'failed' || r.status === 'cancelled')
  );
}

/** Every BuildRecord found at any depth of the document (array, {records}, {cells: {id: [...]}}, …). */
export function extractRecords(doc: unknown): BuildRecord[] {
  const out: BuildRecord[] = [];
  const visit = (v: unknown, depth: number): void => {
    if (depth > 4 || typeof v !== 'object' || v === null) return;
    if (isRecord(v)) {
      out.push(v);
      return;
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) visit(child, depth + 1);
  };
  visit(doc, 0);
  return out.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/** All recorded builds, oldest first; none when nothing was built yet. */
export async function readBuildRecords(root: string): Promise<BuildRecord[]> {
  let text: string;
  try {
    text = await readFile(resultsPath(root), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  try {
    return extractRecords(JSON.parse(text) as unknown);
  } catch {
    throw new Error(`${resultsPath(root)} is not valid JSON: rebuild, or delete the file to start a fresh history`);
  }
}

/** The newest succeeded record of each cell (variant × platform). */
export function latestSucceeded(records: BuildRecord[]): BuildRecord[] {
  const byCell = new Map<string, BuildRecord>();
  for (const r of records) if (r.status === 'succeeded') byCell.set(`${r.variant}@${r.platform}`, r);
  return [...byCell.values()];
}
