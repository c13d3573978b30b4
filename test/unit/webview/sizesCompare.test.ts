import { strict as assert } from 'node:assert';
import { JSDOM } from 'jsdom';
import { render, type Handlers } from '../../../media/sizes/src/render';
import { DEFAULT_SORT } from '../../../media/sizes/src/sortRows';
import { isFromWebview, type SizesState } from '../../../src/shared/sizesProtocol';

const HOSTILE = '<img src=x onerror=alert(1)>';

function state(over: Partial<SizesState> = {}): SizesState {
  return {
    updatedAt: '2026-11-30T06:00:00Z',
    variants: ['minimal'],
    rows: [
      { variant: 'minimal', platform: 'linux/amd64', source: 'oci-archive', compressed: 1_200_000, layers: 2 },
      { variant: 'minimal', platform: 'linux/arm64', source: 'oci-archive', compressed: 2_300_000, layers: 2 },
    ],
    ...over,
  };
}

function draw(s: SizesState) {
  const dom = new JSDOM('<!DOCTYPE html><main id="app"></main>');
  const root = dom.window.document.getElementById('app')!;
  const calls: string[] = [];
  const h: Handlers = {
    onSort: (k) => calls.push(`sort:${k}`),
    onAction: (t) => calls.push(t),
    onCompare: (v) => calls.push(`compare:${v}`),
  };
  render({ doc: dom.window.document, root, state: s, sort: DEFAULT_SORT, handlers: h });
  return { root, calls };
}

describe('Image Sizes webview: Compare architectures', () => {
  it('offers "Compare architectures" on each variant with several platforms and reports the variant', () => {
    const { root, calls } = draw(state());
    const buttons = [...root.querySelectorAll('figure button')].filter((b) =>
      b.textContent?.includes('Compare architectures'),
    );
    assert.equal(buttons.length, 1);
    (buttons[0] as HTMLButtonElement).click();
    assert.deepEqual(calls, ['compare:minimal']);
  });

  it('shows layers and directories side by side per platform with the difference, hostile names as text', () => {
    const { root } = draw(
      state({
        comparison: {
          variant: 'minimal',
          result: {
            variant: 'minimal',
            platforms: ['linux/amd64', 'linux/arm64'],
            layers: [
              {
                createdBy: `COPY opt-{arch}/ /opt/ ${HOSTILE}`,
                sizes: { 'linux/amd64': 16, 'linux/arm64': 1_048_592 },
              },
            ],
            dirs: [
              { path: '/opt', sizes: { 'linux/amd64': 16, 'linux/arm64': 1_048_592 } },
              { path: '/bin', sizes: { 'linux/amd64': 1_982_256, 'linux/arm64': 1_846_504 } },
            ],
            errors: [{ platform: 'linux/s390x', error: HOSTILE }],
          },
        },
      }),
    );
    assert.equal(root.querySelectorAll('img, script, [onerror]').length, 0);
    const section = root.querySelector('section.comparison')!;
    assert.match(section.querySelector('h2')!.textContent!, /minimal/);
    const tables = [...section.querySelectorAll('table')];
    assert.deepEqual(
      tables.map((t) => t.querySelector('caption')!.textContent),
      ['Layers by instruction', 'Top- and second-level directories'],
    );
    assert.deepEqual(
      [...tables[1]!.querySelectorAll('thead th')].map((th) => th.textContent),
      ['Path', 'amd64', 'arm64', 'Difference'],
    );
    assert.deepEqual(
      [...tables[1]!.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent)),
      [
        ['/opt', '16 B', '1.05 MB', '1.05 MB more on arm64'],
        ['/bin', '1.98 MB', '1.85 MB', '136 kB more on amd64'],
      ],
    );
    assert.ok(section.textContent!.includes(HOSTILE));
  });

  it('says when it is reading and why there is no comparison', () => {
    assert.match(
      draw(state({ comparison: { variant: 'minimal', loading: true } })).root.querySelector('section.comparison')!
        .textContent!,
      /Reading the layers/,
    );
    const failed = draw(
      state({ comparison: { variant: 'minimal', error: 'minimal has no successful build yet' } }),
    ).root;
    assert.equal(
      failed.querySelector('section.comparison [role="alert"]')!.textContent!.trim(),
      'minimal has no successful build yet',
    );
  });

  it('accepts a compare message only with a variant name', () => {
    assert.equal(isFromWebview({ type: 'compare', variant: 'minimal' }), true);
    assert.equal(isFromWebview({ type: 'compare' }), false);
    assert.equal(isFromWebview({ type: 'compare', variant: 3 }), false);
  });
});
