// Latest verification results, beside the build results, so the tree, the webview and the report share them.
import { cellId } from '../jobs';
import { processWarning, StateFile, verifyPath, type Warn } from '../state';
import type { VerifyResult } from './types';

interface VerifyFile {
  version: 1;
  results: VerifyResult[];
}

const str = { type: 'string' };
const verifySchema = {
  type: 'object',
  required: ['version', 'results'],
  properties: {
    version: { const: 1 },
    results: {
      type: 'array',
      items: {
        type: 'object',
        required: ['variant', 'platform', 'expected', 'status', 'at'],
        properties: {
          variant: str,
          platform: str,
          image: str,
          expected: { type: 'array', items: str },
          actual: str,
          status: { enum: ['pass', 'fail', 'skipped'] },
          output: str,
          reason: str,
          emulated: { type: 'boolean' },
          checks: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'status', 'output'],
              properties: {
                name: str,
                status: { enum: ['pass', 'fail'] },
                output: str,
                machine: str,
                reason: str,
                expect: str,
              },
            },
          },
          static: {
            type: 'object',
            required: ['status', 'checked', 'mismatches'],
            properties: {
              status: { enum: ['pass', 'fail', 'skipped'] },
              checked: { type: 'integer' },
              mismatches: { type: 'array', items: str },
              reason: str,
            },
          },
          at: str,
        },
      },
    },
  },
};

function verifyFile(root: string): StateFile<VerifyFile> {
  return new StateFile<VerifyFile>({
    file: verifyPath(root),
    schema: verifySchema,
    empty: () => ({ version: 1, results: [] }),
    hint: 'verify again (that keeps the old file aside), or delete the file',
  });
}

/** The stored results; none before the first verification; CorruptStateError when the file cannot be trusted. */
export async function readVerifyResults(root: string): Promise<VerifyResult[]> {
  return (await verifyFile(root).read()).results;
}

/** Merges new results over the stored ones (per cell), so verifying one variant keeps the others. */
export async function writeVerifyResults(
  root: string,
  results: VerifyResult[],
  warn: Warn = processWarning,
): Promise<VerifyResult[]> {
  const written = await verifyFile(root).update((current) => {
    const byCell = new Map<string, VerifyResult>();
    for (const r of [...current.results, ...results]) byCell.set(cellId(r), r);
    const merged = [...byCell.values()].sort(
      (a, b) => a.variant.localeCompare(b.variant) || a.platform.localeCompare(b.platform),
    );
    return { version: 1, results: merged };
  }, warn);
  return written.results;
}
