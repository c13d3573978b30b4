// Renders the Image Sizes state into the webview's DOM. Pure DOM building (tested under jsdom).
import { formatBytes, formatDelta, shortPlatform } from '../../../src/core/sizes/format';
import type { FromWebview, SizesRowView, SizesState, SortKey, SortOrder } from '../../../src/shared/sizesProtocol';
import { comparisonSection } from './compare';
import { button, el, icon, type Child, type RenderInput } from '../../shared/src/dom';
import { sortRows } from './sortRows';

export interface Handlers {
  onSort(key: SortKey): void;
  onAction(type: Extract<FromWebview['type'], 'refresh' | 'buildAll' | 'verify' | 'exportReport'>): void;
  /** "Compare architectures" on a variant's chart. */
  onCompare?(variant: string): void;
}

const COLUMNS: Array<{ key: SortKey | undefined; label: string; numeric?: boolean }> = [
  { key: 'variant', label: 'Variant' },
  { key: 'platform', label: 'Platform' },
  { key: 'compressed', label: 'Compressed', numeric: true },
  { key: 'uncompressed', label: 'On disk', numeric: true },
  { key: 'layers', label: 'Layers', numeric: true },
  { key: 'delta', label: 'Δ previous build', numeric: true },
  { key: undefined, label: 'Architecture check' },
  { key: undefined, label: 'Source' },
];

/** What every part of the page is drawn from. */
type View = RenderInput<SizesState, Handlers> & { sort: SortOrder };

function toolbar({ doc, state, handlers: h }: View): HTMLElement {
  const when = state.updatedAt ? new Date(state.updatedAt).toLocaleString() : '';
  return el(
    doc,
    'header',
    { class: 'toolbar' },
    el(doc, 'h1', {}, 'Image Sizes'),
    el(
      doc,
      'span',
      { class: 'updated', 'aria-live': 'polite' },
      state.loading ? 'Reading sizes…' : when && `Updated ${when}`,
    ),
    el(
      doc,
      'div',
      { class: 'actions' },
      button(doc, { label: 'Refresh', codicon: 'refresh', onClick: () => h.onAction('refresh') }),
      button(doc, { label: 'Verify Architectures', codicon: 'verified', onClick: () => h.onAction('verify') }),
      button(doc, { label: 'Export Build Report', codicon: 'output', onClick: () => h.onAction('exportReport') }),
    ),
  );
}

function emptyState({ doc, state, handlers: h }: View): HTMLElement {
  const variants = state.variants.length ? `Variants in this workspace: ${state.variants.join(', ')}.` : '';
  return el(
    doc,
    'section',
    { class: 'empty', 'aria-labelledby': 'empty-title' },
    el(doc, 'h2', { id: 'empty-title' }, 'No built images yet'),
    el(
      doc,
      'p',
      {},
      'Sizes appear here after a build. Run Build All Architectures from the Command Palette, right-click a variant in the Multi-Arch view and choose Build Variant, or run "multiarch build --output oci" in a terminal. ',
      variants,
    ),
    el(
      doc,
      'p',
      {},
      'Compressed sizes are read from the OCI export or the registry (layers + config of each platform manifest); on-disk sizes from the engine’s local image store.',
    ),
    button(doc, {
      label: 'Build All Architectures',
      codicon: 'play',
      onClick: () => h.onAction('buildAll'),
      kind: 'primary',
    }),
  );
}

function deltaCell(doc: Document, r: SizesRowView): HTMLElement {
  const d = r.delta?.compressed ?? r.delta?.uncompressed;
  if (d === undefined) return el(doc, 'td', { class: 'num muted' }, '–');
  const cls = d > 0 ? 'delta up' : d < 0 ? 'delta down' : 'delta same';
  const words =
    d > 0 ? 'larger than the previous build' : d < 0 ? 'smaller than the previous build' : 'same as the previous build';
  return el(
    doc,
    'td',
    { class: `num ${cls}` },
    el(doc, 'span', { title: words }, formatDelta(d)),
    el(doc, 'span', { class: 'sr-only' }, ` (${words})`),
  );
}

function verifyCell(doc: Document, r: SizesRowView): HTMLElement {
  const v = r.verify;
  if (!v) return el(doc, 'td', { class: 'muted' }, 'not verified');
  if (v.status !== 'skipped' && v.checks?.length) {
    // One line per check, as the seed listed them: "redis client ✅ 5.0.1 aarch64".
    const cell = el(doc, 'td', { class: `verify ${v.status}` });
    for (const c of v.checks) {
      const item = el(
        doc,
        'div',
        { class: `check ${c.status}` },
        icon(doc, c.status === 'pass' ? 'pass' : 'error'),
        el(doc, 'span', { class: 'sr-only' }, c.status === 'pass' ? ' passed: ' : ' failed: '),
        ` ${c.name} `,
        el(doc, 'code', {}, c.line || '(no output)'),
        c.reason ? el(doc, 'span', { class: 'reason' }, ` ${c.reason}`) : undefined,
      );
      cell.append(item);
    }
    return cell;
  }
  const iconName = v.status === 'pass' ? 'pass' : v.status === 'fail' ? 'error' : 'circle-slash';
  const text =
    v.status === 'pass'
      ? `${v.actual ?? ''}`
      : v.status === 'fail'
        ? `expected ${v.expected.join(' or ')}, got ${v.actual ?? '?'}`
        : `skipped`;
  const cell = el(doc, 'td', { class: `verify ${v.status}` }, icon(doc, iconName), ` ${text}`);
  if (v.reason) cell.setAttribute('title', v.reason);
  return cell;
}

function headerCell({ doc, sort, handlers: h }: View, c: (typeof COLUMNS)[number]): HTMLElement {
  const th = el(doc, 'th', { scope: 'col', class: c.numeric ? 'num' : '' });
  if (!c.key) {
    th.textContent = c.label;
    return th;
  }
  const key = c.key;
  const active = sort.key === key;
  th.setAttribute('aria-sort', active ? (sort.descending ? 'descending' : 'ascending') : 'none');
  const b = el(
    doc,
    'button',
    { type: 'button', class: 'sort', 'data-key': key },
    c.label,
    icon(doc, active ? (sort.descending ? 'arrow-down' : 'arrow-up') : 'blank'),
  );
  b.addEventListener('click', () => h.onSort(key));
  th.append(b);
  return th;
}

function table(view: View): HTMLElement {
  const { doc, state, sort } = view;
  const body = el(doc, 'tbody');
  for (const r of sortRows(state.rows, sort)) {
    const tr = el(
      doc,
      'tr',
      { class: r.variant === state.focusVariant ? 'focus' : '' },
      el(doc, 'th', { scope: 'row' }, r.variant),
      el(doc, 'td', {}, shortPlatform(r.platform)),
      el(doc, 'td', { class: 'num' }, r.error ? 'error' : formatBytes(r.compressed)),
      el(doc, 'td', { class: 'num' }, formatBytes(r.uncompressed)),
      el(doc, 'td', { class: 'num' }, r.layers === undefined ? '–' : String(r.layers)),
      deltaCell(doc, r),
      verifyCell(doc, r),
      el(doc, 'td', { class: 'muted' }, r.source),
    );
    if (r.error) tr.setAttribute('title', r.error);
    body.append(tr);
    if (r.error)
      body.append(
        el(
          doc,
          'tr',
          { class: 'error-row' },
          el(
            doc,
            'td',
            { colspan: String(COLUMNS.length) },
            icon(doc, 'warning'),
            ` ${r.variant} ${r.platform}: ${r.error}`,
          ),
        ),
      );
  }
  return el(
    doc,
    'table',
    { class: 'sizes' },
    el(doc, 'caption', {}, 'Image size per variant and platform. Select a column header to sort.'),
    el(doc, 'thead', {}, el(doc, 'tr', {}, ...COLUMNS.map((c) => headerCell(view, c)))),
    body,
  );
}

function charts({ doc, state, handlers: h }: View): HTMLElement {
  const section = el(
    doc,
    'section',
    { class: 'charts', 'aria-labelledby': 'charts-title' },
    el(doc, 'h2', { id: 'charts-title' }, 'Architectures compared'),
  );
  const byVariant = new Map<string, SizesRowView[]>();
  for (const r of state.rows) byVariant.set(r.variant, [...(byVariant.get(r.variant) ?? []), r]);
  for (const [variant, rows] of [...byVariant].sort((a, b) => a[0].localeCompare(b[0]))) {
    const figure = el(
      doc,
      'figure',
      { class: `chart${variant === state.focusVariant ? ' focus' : ''}` },
      el(doc, 'figcaption', {}, variant),
    );
    const sized = rows.map((r) => ({
      r,
      bytes: r.compressed ?? r.uncompressed,
      kind: r.compressed !== undefined ? 'compressed' : 'on disk',
    }));
    const max = Math.max(1, ...sized.map((s) => s.bytes ?? 0));
    const list = el(doc, 'ul', { class: 'bars' });
    for (const { r, bytes, kind } of sized.sort((a, b) => a.r.platform.localeCompare(b.r.platform))) {
      const label = `${shortPlatform(r.platform)}: ${bytes === undefined ? 'not measured' : `${formatBytes(bytes)} ${kind}`}`;
      const bar = el(doc, 'div', { class: 'bar' });
      // CSSOM, not a style attribute: allowed by the panel's CSP without 'unsafe-inline'.
      bar.style.width = `${bytes === undefined ? 0 : Math.max(1, (bytes / max) * 100).toFixed(1)}%`;
      list.append(
        el(
          doc,
          'li',
          { 'aria-label': label },
          el(doc, 'span', { class: 'bar-label' }, shortPlatform(r.platform)),
          el(doc, 'div', { class: 'bar-track', 'aria-hidden': 'true' }, bar),
          el(doc, 'span', { class: 'bar-value' }, bytes === undefined ? 'not measured' : formatBytes(bytes)),
        ),
      );
    }
    figure.append(list);
    if (h.onCompare && rows.length > 1) {
      const compare = h.onCompare;
      figure.append(button(doc, { label: 'Compare architectures', codicon: 'diff', onClick: () => compare(variant) }));
    }
    section.append(figure);
  }
  return section;
}

/** Replaces the content of `root` with the rendering of `state`, its table sorted by `sort`. */
export function render(view: View): void {
  const { doc, root, state } = view;
  const parts: Child[] = [toolbar(view)];
  if (state.error) parts.push(el(doc, 'p', { class: 'error', role: 'alert' }, icon(doc, 'error'), ` ${state.error}`));
  if (!state.rows.length) parts.push(emptyState(view));
  else parts.push(table(view), charts(view));
  if (state.comparison) parts.push(comparisonSection(doc, state.comparison));
  root.replaceChildren(...parts.filter((p): p is Node => typeof p === 'object' && p !== null));
  if (state.focusVariant) root.querySelector('tr.focus')?.scrollIntoView?.({ block: 'nearest' });
}
