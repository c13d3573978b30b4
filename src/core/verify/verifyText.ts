// What `multiarch verify` prints: one row per check, so every check's first output line is visible.
import { textTable } from '../sizes/sizesTable';
import { mismatchLines, type StaticCell } from './static/staticVerify';
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

/** `multiarch verify --static`: a row per cell, then "linux/arm64 image contains … built for x86-64" lines. */
export function staticText(cells: StaticCell[]): string {
  const table = textTable(
    ['VARIANT', 'PLATFORM', 'STATUS', 'ELF FILES', 'DETAIL'],
    cells.map((c) => [
      c.variant,
      c.platform,
      c.status,
      String(c.checked),
      c.reason ??
        (c.mismatches.length
          ? `${c.mismatches.length} built for another machine`
          : c.entrypoint?.path
            ? `entrypoint ${c.entrypoint.path} (${c.entrypoint.machine ?? '?'})`
            : ''),
    ]),
  );
  const lines = cells.flatMap(mismatchLines);
  return lines.length ? `${table}\n${lines.join('\n')}\n` : table;
}
