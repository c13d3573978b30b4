// Latest verification results, beside the build results, so the tree, the webview and the report share them.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { VerifyResult } from './types';

export const VERIFY_FILE = join('.multiarch', 'verify.json');

export async function readVerifyResults(root: string): Promise<VerifyResult[]> {
  try {
    const doc = JSON.parse(await readFile(join(root, VERIFY_FILE), 'utf8')) as { version?: number; results?: unknown };
    return doc.version === 1 && Array.isArray(doc.results) ? (doc.results as VerifyResult[]) : [];
  } catch {
    return [];
  }
}

/** Merges new results over the stored ones (per cell), so verifying one variant keeps the others. */
export async function writeVerifyResults(root: string, results: VerifyResult[]): Promise<VerifyResult[]> {
  const byCell = new Map<string, VerifyResult>();
  for (const r of [...(await readVerifyResults(root)), ...results]) byCell.set(`${r.variant}@${r.platform}`, r);
  const merged = [...byCell.values()].sort((a, b) => a.variant.localeCompare(b.variant) || a.platform.localeCompare(b.platform));
  const file = join(root, VERIFY_FILE);
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify({ version: 1, results: merged }, null, 2)}\n`);
  await rename(tmp, file);
  return merged;
}
