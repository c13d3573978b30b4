// "Compare architectures": why a variant's platforms differ, per layer and per directory (DOM only).
import { formatBytes, shortPlatform } from '../../../src/core/sizes/format';
import type { ComparisonView } from '../../../src/shared/sizesProtocol';
import { el, icon } from '../../shared/src/dom';

/** Rows per table; the CLI's `sizes --compare --json` lists them all. */
export const COMPARE_ROWS = 15;

interface Row {
  label: string;
  sizes: Record<string, number>;
}

function diffTable(
  doc: Document,
  { caption, what, rows, platforms }: { caption: string; what: string; rows: Row[]; platforms: string[] },
): HTMLElement {
  const head = el(
    doc,
    'tr',
    {},
    el(doc, 'th', { scope: 'col' }, what),
    ...platforms.map((p) => el(doc, 'th', { scope: 'col', class: 'num' }, shortPlatform(p))),
    el(doc, 'th', { scope: 'col', class: 'num' }, 'Difference'),
  );
  const body = el(doc, 'tbody');
  for (const r of rows.slice(0, COMPARE_ROWS)) {
    const values = platforms.map((p) => r.sizes[p] ?? 0);
    const largest = platforms[values.indexOf(Math.max(...values))];
    const spread = Math.max(...values) - Math.min(...values);
    body.append(
      el(
        doc,
        'tr',
        {},
        el(doc, 'th', { scope: 'row' }, el(doc, 'code', { title: r.label }, r.label)),
        ...values.map((v) => el(doc, 'td', { class: 'num' }, formatBytes(v))),
        el(
          doc,
          'td',
          { class: 'num' },
          spread === 0 ? '–' : `${formatBytes(spread)} more on ${shortPlatform(largest ?? '')}`,
        ),
      ),
    );
  }
  return el(
    doc,
    'table',
    { class: 'sizes compare' },
    el(doc, 'caption', {}, caption),
    el(doc, 'thead', {}, head),
    body,
  );
}

export function comparisonSection(doc: Document, c: ComparisonView): HTMLElement {
  const section = el(
    doc,
    'section',
    { class: 'comparison', 'aria-labelledby': 'compare-title', 'aria-busy': c.loading ? 'true' : 'false' },
    el(doc, 'h2', { id: 'compare-title' }, `Why the architectures of ${c.variant} differ`),
  );
  if (c.loading)
    section.append(
      el(
        doc,
        'p',
        { class: 'muted', 'aria-live': 'polite' },
        icon(doc, 'loading'),
        ' Reading the layers of each platform…',
      ),
    );
  if (c.error) section.append(el(doc, 'p', { class: 'error', role: 'alert' }, icon(doc, 'error'), ` ${c.error}`));
  const r = c.result;
  if (!r) return section;
  for (const e of r.errors ?? [])
    section.append(el(doc, 'p', { class: 'error' }, icon(doc, 'warning'), ` ${shortPlatform(e.platform)}: ${e.error}`));
  if (!r.platforms.length) return section;
  section.append(
    el(
      doc,
      'p',
      { class: 'muted' },
      'Unpacked bytes, the largest difference first. Layers are named by the instruction that created them (architecture names shown as {arch}).',
    ),
    diffTable(doc, {
      caption: 'Layers by instruction',
      what: 'Instruction',
      rows: r.layers.map((l) => ({ label: l.createdBy, sizes: l.sizes })),
      platforms: r.platforms,
    }),
    diffTable(doc, {
      caption: 'Top- and second-level directories',
      what: 'Path',
      rows: r.dirs.map((d) => ({ label: d.path, sizes: d.sizes })),
      platforms: r.platforms,
    }),
  );
  return section;
}
