// What `multiarch verify` prints: one row per check, so every check's first output line is visible.
import { textTable } from '../sizes/sizesTable';
import { firstLine, type VerifyResult } from './types';

export function verifyText(results: VerifyResult[]): string {
  const rows: string[][] = [];
  for (const r of results) {
    const emulated = r.emulated ? ' (emulated)' : '';
    if (!r.checks?.length) {
      rows.push([r.variant, r.platform, '-', r.status, r.reason ?? '']);
      continue;
    }
    for (const c of r.checks) {
      const line = firstLine(c.output) || '(no output)';
      rows.push([r.variant, r.platform + emulated, c.name, c.status, c.reason ? `${line} - ${c.reason}` : line]);
    }
  }
  return textTable(['VARIANT', 'PLATFORM', 'CHECK', 'STATUS', 'OUTPUT'], rows);
}
