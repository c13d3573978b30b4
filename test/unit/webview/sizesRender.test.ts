import { strict as assert } from 'node:assert';
import { JSDOM } from 'jsdom';
import type { SizesState, SortOrder } from '../../../src/shared/sizesProtocol';
import { isFromWebview } from '../../../src/shared/sizesProtocol';
import { render, type Handlers } from '../../../media/sizes/src/render';
import { DEFAULT_SORT, sortRows } from '../../../media/sizes/src/sortRows';

const HOSTILE = ['<img src=x onerror=alert(1)>', '"><script>alert(2)</script>'];

function state(over: Partial<SizesState> = {}): SizesState {
  return {
    updatedAt: '2026-11-27T06:00:00Z',
    variants: ['minimal', 'redis'],
    rows: [
      {
        variant: 'minimal',
        platform: 'linux/amd64',
        source: 'oci-archive',
        compressed: 1_200_000,
        uncompressed: 3_000_000,
        layers: 2,
        delta: { compressed: -20_000 },
        verify: { status: 'pass', expected: ['x86_64'], actual: 'x86_64' },
      },
      {
        variant: 'minimal',
        platform: 'linux/arm64',
        source: 'oci-archive',
        compressed: 600_000,
        layers: 2,
        delta: { compressed: 5_000 },
        verify: { status: 'fail', expected: ['aarch64'], actual: 'x86_64' },
      },
      { variant: 'redis', platform: 'linux/amd64', source: 'local', uncompressed: 9_000_000, layers: 3 },
    ],
    ...over,
  };
}

function draw(s: SizesState, sort: SortOrder = DEFAULT_SORT) {
  const dom = new JSDOM('<!DOCTYPE html><main id="app"></main>');
  const doc = dom.window.document;
  const root = doc.getElementById('app')!;
  const calls: string[] = [];
  const h: Handlers = { onSort: (k) => calls.push(`sort:${k}`), onAction: (t) => calls.push(t) };
  render({ doc, root, state: s, sort, handlers: h });
  return { doc, root, calls };
}

describe('Image Sizes webview rendering', () => {
  it('shows hostile variant, platform, error and reason strings as text, never as markup', () => {
    const rows = HOSTILE.map((name, i) => ({
      variant: name,
      platform: `linux/${name}`,
      source: 'registry' as const,
      compressed: 10 + i,
      error: name,
      verify: { status: 'skipped' as const, expected: [name], reason: name },
    }));
    const { root, doc } = draw(state({ rows, variants: HOSTILE, focusVariant: HOSTILE[0], error: HOSTILE[1] }));
    assert.equal(root.querySelectorAll('img, script, [onerror]').length, 0);
    assert.equal(doc.querySelectorAll('script').length, 0);
    const text = root.textContent ?? '';
    for (const name of HOSTILE) assert.ok(text.includes(name), `"${name}" is shown as text`);
    const rowHeaders = [...root.querySelectorAll('tbody th')].map((th) => th.textContent);
    assert.deepEqual(rowHeaders.sort(), [...HOSTILE].sort());
    assert.ok([...root.querySelectorAll('figcaption')].some((f) => f.textContent === HOSTILE[0]));
    assert.ok([...root.querySelectorAll('[title]')].some((e) => e.getAttribute('title') === HOSTILE[1]));
  });

  it('hostile names in the empty state are text too', () => {
    const { root } = draw(state({ rows: [], variants: HOSTILE }));
    assert.equal(root.querySelectorAll('img, script').length, 0);
    assert.ok((root.textContent ?? '').includes(HOSTILE[0]!));
  });

  it('renders an accessible table: caption, column headers with aria-sort, row headers', () => {
    const { root } = draw(state(), { key: 'compressed', descending: true });
    assert.ok(root.querySelector('table caption'));
    const ths = [...root.querySelectorAll('thead th')];
    assert.ok(ths.every((th) => th.getAttribute('scope') === 'col'));
    assert.equal(root.querySelector('th[aria-sort="descending"] button')?.getAttribute('data-key'), 'compressed');
    assert.equal(root.querySelectorAll('th[aria-sort="none"]').length, 5);
    const order = [...root.querySelectorAll('tbody tr')].map(
      (tr) => tr.children[1]!.textContent + ' ' + tr.children[2]!.textContent,
    );
    assert.deepEqual(order, ['amd64 1.20 MB', 'arm64 600 kB', 'amd64 not measured']);
  });

  it('marks deltas as smaller (green) or larger (red) with words for screen readers', () => {
    const { root } = draw(state());
    const down = root.querySelector('td.delta.down')!;
    const up = root.querySelector('td.delta.up')!;
    assert.match(down.textContent ?? '', /^-20\.0 kB \(smaller than the previous build\)$/);
    assert.match(up.textContent ?? '', /^\+5\.00 kB \(larger than the previous build\)$/);
    assert.match(root.querySelector('td.verify.fail')?.textContent ?? '', /expected aarch64, got x86_64/);
  });

  it('lists every check of a cell with its output line, and why a failed one failed', () => {
    const checks = [
      { name: 'architecture', status: 'pass' as const, line: 'aarch64' },
      {
        name: 'redis client',
        status: 'fail' as const,
        line: 'Redis 5.0.1 on x86_64',
        reason: 'expected aarch64, the image reported x86_64',
      },
      { name: HOSTILE[0]!, status: 'pass' as const, line: HOSTILE[1]! },
    ];
    const rows = [
      {
        variant: 'redis',
        platform: 'linux/arm64',
        source: 'local' as const,
        uncompressed: 1,
        verify: { status: 'fail' as const, expected: ['aarch64'], actual: 'x86_64', checks },
      },
    ];
    const { root } = draw(state({ rows }));
    const items = [...root.querySelectorAll('td.verify.fail .check')];
    assert.deepEqual(
      items.map((i) => [i.className, i.querySelector('code')?.textContent]),
      [
        ['check pass', 'aarch64'],
        ['check fail', 'Redis 5.0.1 on x86_64'],
        ['check pass', HOSTILE[1]],
      ],
    );
    assert.equal(items[0]!.textContent, ' passed:  architecture aarch64');
    assert.equal(items[1]!.querySelector('.reason')?.textContent, ' expected aarch64, the image reported x86_64');
    assert.equal(root.querySelectorAll('img, script').length, 0);
  });

  it('draws one bar chart per variant comparing its architectures', () => {
    const { root } = draw(state());
    const figures = [...root.querySelectorAll('figure.chart')];
    assert.deepEqual(
      figures.map((f) => f.querySelector('figcaption')?.textContent),
      ['minimal', 'redis'],
    );
    const bars = [...figures[0]!.querySelectorAll<HTMLElement>('.bar')].map((b) => b.style.width);
    assert.deepEqual(bars, ['100%', '50%']);
    assert.equal(figures[0]!.querySelector('li')?.getAttribute('aria-label'), 'amd64: 1.20 MB compressed');
    assert.equal(figures[1]!.querySelector('li')?.getAttribute('aria-label'), 'amd64: 9.00 MB on disk');
  });

  it('explains how to build when there are no rows, with a Build All button', () => {
    const { root, calls } = draw(state({ rows: [] }));
    assert.equal(root.querySelector('table'), null);
    assert.match(root.querySelector('.empty')?.textContent ?? '', /Build All Architectures.*multiarch build/s);
    root.querySelector<HTMLButtonElement>('.empty button')!.click();
    assert.deepEqual(calls, ['buildAll']);
  });

  it('reports header clicks and toolbar actions to the handlers', () => {
    const { root, calls } = draw(state());
    root.querySelector<HTMLButtonElement>('button.sort[data-key="layers"]')!.click();
    for (const b of root.querySelectorAll<HTMLButtonElement>('.actions button')) b.click();
    assert.deepEqual(calls, ['sort:layers', 'refresh', 'verify', 'exportReport']);
  });

  it('sorts with unmeasured figures last in both directions', () => {
    const rows = state().rows;
    assert.deepEqual(
      sortRows(rows, { key: 'compressed', descending: false }).map((r) => r.compressed),
      [600_000, 1_200_000, undefined],
    );
    assert.deepEqual(
      sortRows(rows, { key: 'compressed', descending: true }).map((r) => r.compressed),
      [1_200_000, 600_000, undefined],
    );
    assert.deepEqual(
      sortRows(rows, { key: 'variant', descending: true }).map((r) => r.variant),
      ['redis', 'minimal', 'minimal'],
    );
  });

  it('accepts only well-formed messages from the webview', () => {
    assert.ok(isFromWebview({ type: 'ready' }));
    assert.ok(isFromWebview({ type: 'sorted', sort: { key: 'layers', descending: true } }));
    assert.ok(!isFromWebview({ type: 'sorted', sort: 'layers' }));
    assert.ok(!isFromWebview({ type: 'runCommand', command: 'workbench.action.terminal.new' }));
    assert.ok(!isFromWebview('ready'));
  });
});
