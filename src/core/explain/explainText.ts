// Plain-text rendering of `multiarch sizes --compare`.
import type { ArchComparison, SizeByPlatform } from './explainSizes';
import { formatBytes, formatDelta, shortPlatform } from '../sizes/format';
import { textTable } from '../sizes/sizesTable';

/** How many rows of each table the text form shows (the JSON has them all). */
export const TEXT_ROWS = 12;

/** Instructions can be whole shell scripts; the text table keeps the start. */
const LABEL_WIDTH = 72;

function label(text: string): string {
  return text.length > LABEL_WIDTH ? `${text.slice(0, LABEL_WIDTH - 1)}…` : text;
}

function rowCells(name: string, r: SizeByPlatform, platforms: string[]): string[] {
  const values = platforms.map((p) => r.sizes[p] ?? 0);
  // difference from the first platform: "arm64 is 1.05 MB bigger than amd64"
  return [
    label(name),
    ...values.map((v) => formatBytes(v)),
    ...values.slice(1).map((v) => formatDelta(v - values[0]!)),
  ];
}

export function comparisonText(comparisons: ArchComparison[]): string {
  const out: string[] = [];
  for (const c of comparisons) {
    const [first, ...others] = c.platforms;
    out.push(`${c.variant}: ${c.platforms.map(shortPlatform).join(' vs ') || 'no readable image'}`);
    for (const e of c.errors ?? []) out.push(`  ${e.platform}: ${e.error}`);
    if (first) {
      const header = (what: string) => [
        what,
        ...c.platforms.map(shortPlatform),
        ...others.map((p) => `${shortPlatform(p)} − ${shortPlatform(first)}`),
      ];
      const section = (title: string, rows: string[][], total: number) => {
        out.push('', textTable(header(title), rows.slice(0, TEXT_ROWS)).trimEnd().replace(/^/gm, '  '));
        if (total > TEXT_ROWS) out.push(`  … ${total - TEXT_ROWS} more (--json lists all)`);
      };
      section(
        'LAYER (instruction)',
        c.layers.map((l) => rowCells(l.createdBy, l, c.platforms)),
        c.layers.length,
      );
      section(
        'DIRECTORY',
        c.dirs.map((d) => rowCells(d.path, d, c.platforms)),
        c.dirs.length,
      );
    }
    out.push('');
  }
  return out.join('\n');
}
