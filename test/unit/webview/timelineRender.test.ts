import { strict as assert } from 'node:assert';
import { JSDOM } from 'jsdom';
import { render, type Handlers } from '../../../media/timeline/src/render';
import {
  isFromWebview,
  timelineFocusOf,
  type StepOrder,
  type TimelineState,
} from '../../../src/shared/timelineProtocol';

const HOSTILE = '<img src=x onerror=alert(1)>"><script>alert(2)</script>';

function state(over: Partial<TimelineState> = {}): TimelineState {
  const step = (
    position: number,
    stage: string,
    instruction: string,
    seconds: number,
    cached: boolean,
    line?: number,
  ) => ({
    position,
    stage,
    index: position + 1,
    instruction,
    seconds,
    duration: `${seconds.toFixed(1)} s`,
    cached,
    share: seconds / 5,
    ...(line !== undefined ? { line } : {}),
  });
  return {
    updatedAt: '2026-11-30T12:00:00Z',
    configured: ['minimal'],
    variants: [
      {
        variant: 'minimal',
        dockerfile: '/w/Dockerfile',
        emulation: ['linux/arm64 took 3.9× the linux/amd64 time for the same steps'],
        cells: [
          {
            variant: 'minimal',
            platform: 'linux/arm64',
            engine: 'podman',
            emulated: true,
            status: 'succeeded',
            startedAt: '2026-11-30T11:00:00Z',
            seconds: 7,
            total: '7.0 s',
            totalSteps: 3,
            cachedSteps: 1,
            cachedLine: '1/3 steps cached (33%)',
            trend: [
              { startedAt: '2026-11-30T10:00:00Z', status: 'succeeded', seconds: 20, cachedPercent: 0 },
              { startedAt: '2026-11-30T10:30:00Z', status: 'failed', seconds: 3 },
              { startedAt: '2026-11-30T11:00:00Z', status: 'succeeded', seconds: 7, cachedPercent: 33 },
            ],
            trendLine: `20.0 s → 7.0 s over 3 builds; cached 0% → 33% ${HOSTILE}`,
            steps: [
              step(0, 'base', 'COPY rootfs/ /', 0.2, true, 4),
              { ...step(1, 'deps', 'RUN make', 5, false, 8), warmup: true as const },
              step(2, '', HOSTILE, 1, false),
            ],
          },
        ],
      },
    ],
    ...over,
  };
}

function draw(s: TimelineState, order: StepOrder = 'slowest') {
  const dom = new JSDOM('<!DOCTYPE html><main id="app"></main>');
  const doc = dom.window.document;
  const root = doc.getElementById('app')!;
  const calls: unknown[] = [];
  const h: Handlers = { onOrder: (o) => calls.push(o), onAction: (t) => calls.push(t), onStep: (k) => calls.push(k) };
  render({ doc, root, state: s, order, handlers: h });
  return { doc, root, calls };
}

describe('Build Timeline webview rendering', () => {
  it('shows each cell’s total, cache share and the emulation factor; hostile text stays text', () => {
    const { root } = draw(state());
    assert.equal(root.querySelectorAll('script, img').length, 0);
    assert.ok(root.textContent!.includes(HOSTILE));
    const h3 = root.querySelector('section.cell h3')!.textContent!;
    assert.match(h3, /arm64.*emulated.*7\.0 s.*1\/3 steps cached \(33%\)/);
    assert.equal(
      root.querySelector('.emulation')!.textContent!.trim(),
      'linux/arm64 took 3.9× the linux/amd64 time for the same steps',
    );
  });

  it('draws bars proportional to seconds, cached steps dimmed and named for screen readers', () => {
    const { root } = draw(state(), 'dockerfile');
    const steps = [...root.querySelectorAll<HTMLButtonElement>('button.step')];
    assert.deepEqual(
      steps.map((b) => b.dataset.position),
      ['0', '1', '2'],
      'Dockerfile order, the step without a line last',
    );
    assert.deepEqual(
      steps.map((b) => parseFloat(b.querySelector<HTMLElement>('.bar')!.style.width)),
      [4, 100, 20],
    );
    assert.ok(steps[0]!.classList.contains('cached'));
    assert.equal(steps[0]!.querySelector('.sr-only')!.textContent, ', cached');
    assert.equal(steps[2]!.querySelector('.sr-only'), null);
    // A shared warm-up's step says so: shown, in its title and to screen readers.
    assert.equal(steps[1]!.querySelector('.step-time')!.textContent, '5.0 s · warm-up');
    assert.match(steps[1]!.title, /\n5\.0 s, ran once in the shared warm-up · line 9 of the Dockerfile$/);
    assert.equal(steps[1]!.querySelector('.sr-only')!.textContent, ', ran once in the shared warm-up');
    assert.equal(steps[0]!.querySelector('.warmup'), null);
  });

  it('puts the slowest step first, toggles the order and opens a step on click (buttons: Enter too)', () => {
    const { root, calls } = draw(state(), 'slowest');
    const steps = [...root.querySelectorAll<HTMLButtonElement>('button.step')];
    assert.deepEqual(
      steps.map((b) => b.dataset.position),
      ['1', '2', '0'],
    );
    assert.equal(root.querySelector('button[data-order="slowest"]')!.getAttribute('aria-pressed'), 'true');
    root.querySelector<HTMLButtonElement>('button[data-order="dockerfile"]')!.click();
    steps[0]!.click();
    assert.deepEqual(calls, ['dockerfile', { variant: 'minimal', platform: 'linux/arm64', position: 1 }]);
  });

  it('marks the variant or the cell the panel was opened on', () => {
    const variantOnly = draw(state({ focus: { variant: 'minimal' } })).root;
    assert.equal(variantOnly.querySelectorAll('section.variant.focus').length, 1);
    assert.equal(variantOnly.querySelectorAll('section.cell.focus').length, 0);
    const cell = draw(state({ focus: { variant: 'minimal', platform: 'linux/arm64' } })).root;
    assert.equal(cell.querySelector('section.cell.focus')?.getAttribute('data-platform'), 'linux/arm64');
  });

  it('focuses the step a Dockerfile line opened the panel on', () => {
    const { root, doc } = draw(state({ focus: { variant: 'minimal', platform: 'linux/arm64', position: 1 } }));
    const focused = [...root.querySelectorAll<HTMLButtonElement>('button.step.focus')];
    assert.deepEqual(
      focused.map((b) => b.dataset.position),
      ['1'],
    );
    assert.equal(doc.activeElement, focused[0], 'the keyboard focus is on the step');
    assert.equal(
      draw(state({ focus: { variant: 'minimal', platform: 'linux/amd64', position: 1 } })).root.querySelectorAll(
        'button.step.focus',
      ).length,
      0,
    );
  });

  it('checks what Show Build Timeline is asked to focus', () => {
    assert.deepEqual(timelineFocusOf('redis'), { variant: 'redis' });
    assert.deepEqual(timelineFocusOf({ variant: { name: 'redis' }, platform: 'linux/arm64' }), {
      variant: 'redis',
      platform: 'linux/arm64',
    });
    assert.deepEqual(timelineFocusOf({ variant: 'redis', platform: 'linux/arm64', position: 3 }), {
      variant: 'redis',
      platform: 'linux/arm64',
      position: 3,
    });
    assert.deepEqual(timelineFocusOf({ variant: 'redis', position: 3 }), { variant: 'redis' }, 'a step needs its cell');
    assert.deepEqual(timelineFocusOf({ variant: 'redis', platform: 'linux/arm64', position: -1 }), {
      variant: 'redis',
      platform: 'linux/arm64',
    });
    for (const bad of [undefined, null, '', 7, { variant: 7 }, { platform: 'linux/arm64' }])
      assert.equal(timelineFocusOf(bad), undefined);
  });

  it('draws each cell’s last builds as a small chart: a bar per build, a line for the cache share', () => {
    const { root } = draw(state());
    const chart = root.querySelector('section.cell svg.trend')!;
    assert.equal(chart.getAttribute('role'), 'img');
    assert.ok(chart.getAttribute('aria-label')!.includes(HOSTILE), 'data only in attributes and text');
    assert.equal(root.querySelectorAll('script, img').length, 0);
    const bars = [...chart.querySelectorAll('rect')];
    assert.deepEqual(
      bars.map((b) => Number(b.getAttribute('height')).toFixed(1)),
      ['26.0', '3.9', '9.1'],
    );
    assert.ok(bars[1]!.classList.contains('failed'));
    assert.match(bars[2]!.querySelector('title')!.textContent!, /7\.0 s, 33% cached$/);
    assert.equal(
      chart.querySelector('polyline')!.getAttribute('points'),
      '3,27.0 19,18.4',
      'no point for the build without steps',
    );
    const one = state();
    one.variants[0]!.cells[0]!.trend = one.variants[0]!.cells[0]!.trend.slice(0, 1);
    assert.equal(draw(one).root.querySelector('svg.trend'), null, 'one build: no trend to draw');
  });

  it('says how to get timings when nothing was built, with a Build All button', () => {
    const { root, calls } = draw(state({ variants: [] }));
    assert.match(
      root.querySelector('.empty')!.textContent!,
      /No timed build yet.*Variants in this workspace: minimal\./s,
    );
    root.querySelector<HTMLButtonElement>('.empty button')!.click();
    assert.deepEqual(calls, ['buildAll']);
  });

  it('accepts only well-formed messages from the webview', () => {
    assert.ok(isFromWebview({ type: 'openStep', variant: 'v', platform: 'linux/amd64', position: 2 }));
    assert.ok(isFromWebview({ type: 'ordered', order: 'dockerfile' }));
    assert.ok(!isFromWebview({ type: 'openStep', variant: 'v', platform: 'linux/amd64', position: '2' }));
    assert.ok(
      !isFromWebview({ type: 'openStep', variant: 'v', platform: 'linux/amd64', position: 1.5, path: '/etc/passwd' }),
    );
    assert.ok(!isFromWebview({ type: 'ordered', order: 'random' }));
    assert.ok(!isFromWebview({ type: 'exec' }));
    assert.ok(!isFromWebview(null));
  });
});
