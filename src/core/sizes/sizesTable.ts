// Plain-text renderings of size rows for the CLI.
import { formatBytes, formatDelta } from './format';
import type { SizeRow } from './types';

export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

export function sizesText(rows: SizeRow[]): string {
  return textTable(
    ['VARIANT', 'PLATFORM', 'COMPRESSED', 'DISK', 'LAYERS', 'DELTA', 'SOURCE', 'DIGEST'],
    rows.map((r) => [
      r.variant,
      r.platform,
      r.error ? 'error' : formatBytes(r.compressed),
      formatBytes(r.uncompressed),
      r.layers === undefined ? '-' : String(r.layers),
      formatDelta(r.delta?.compressed ?? r.delta?.uncompressed) || '-',
      r.source,
      r.error ? r.error : (r.digest?.slice(0, 19) ?? '-'),
    ]),
  );
}

/** The JSON rows `multiarch sizes --json` prints: stable keys, undefined figures as null. */
export function sizesJson(rows: SizeRow[]): unknown[] {
  return rows.map((r) => ({
    variant: r.variant,
    platform: r.platform,
    compressed: r.compressed ?? null,
    uncompressed: r.uncompressed ?? null,
    layers: r.layers ?? null,
    digest: r.digest ?? null,
    created: r.created ?? null,
    source: r.source,
    delta: r.delta ?? null,
    ...(r.error ? { error: r.error } : {}),
  }));
}
