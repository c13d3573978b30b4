// Renders the Build Timeline state into the webview's DOM. Pure DOM building (tested under jsdom):
// every piece of data goes in through textContent or attributes, never as markup.
import { shortPlatform } from '../../../src/core/sizes/format';
import { orderSteps, type StepOrder } from '../../../src/core/report/timelineOrder';
import type { TimelineCell, TimelineState, TimelineStep, TimelineVariant } from '../../../src/shared/timelineProtocol';
import { button, el, icon, type RenderInput } from '../../shared/src/dom';
import { trendChart } from './trendChart';

/** A step listed under every cell that waited for its platform's shared warm-up, with the warm-up's seconds. */
const WARMUP = 'ran once in the shared warm-up';

export interface Handlers {
  onOrder(order: StepOrder): void;
  onAction(type: 'refresh' | 'buildAll'): void;
  onStep(step: { variant: string; platform: string; position: number }): void;
}

/** What every part of the page is drawn from. */
type View = RenderInput<TimelineState, Handlers> & { order: StepOrder };

function toolbar({ doc, state, order, handlers: h }: View): HTMLElement {
  const when = state.updatedAt ? new Date(state.updatedAt).toLocaleString() : '';
  const toggle = (value: StepOrder, label: string, codicon: string): HTMLButtonElement => {
    const kind = `toggle${order === value ? ' on' : ''}`;
    const b = button(doc, { label, codicon, onClick: () => h.onOrder(value), kind });
    b.setAttribute('aria-pressed', String(order === value));
    b.dataset.order = value;
    return b;
  };
  return el(
    doc,
    'header',
    { class: 'toolbar' },
    el(doc, 'h1', {}, 'Build Timeline'),
    el(doc, 'span', { class: 'updated', 'aria-live': 'polite' }, when && `Updated ${when}`),
    el(
      doc,
      'div',
      { class: 'actions' },
      el(
        doc,
        'div',
        { class: 'order', role: 'group', 'aria-label': 'Order of the steps' },
        toggle('slowest', 'Slowest first', 'sort-precedence'),
        toggle('dockerfile', 'Dockerfile order', 'list-ordered'),
      ),
      button(doc, { label: 'Refresh', codicon: 'refresh', onClick: () => h.onAction('refresh') }),
    ),
  );
}

function emptyState({ doc, state, handlers: h }: View): HTMLElement {
  const variants = state.configured.length ? `Variants in this workspace: ${state.configured.join(', ')}.` : '';
  return el(
    doc,
    'section',
    { class: 'empty', 'aria-labelledby': 'empty-title' },
    el(doc, 'h2', { id: 'empty-title' }, 'No timed build yet'),
    el(
      doc,
      'p',
      {},
      'Each build records how long every Dockerfile step took on each platform and whether the cache served it. Run Build All Architectures, Build Variant from the Multi-Arch view, or "multiarch build" in a terminal; the timeline updates when the build finishes. ',
      variants,
    ),
    button(doc, {
      label: 'Build All Architectures',
      codicon: 'play',
      onClick: () => h.onAction('buildAll'),
      kind: 'primary',
    }),
  );
}

function stepRow(
  { doc, handlers: h }: View,
  { variant, cell, step, focused }: { variant: string; cell: TimelineCell; step: TimelineStep; focused: boolean },
): HTMLElement {
  const where = step.stage ? `[${step.stage}] ` : '';
  const line = step.line === undefined ? 'line unknown' : `line ${step.line + 1}`;
  const bar = el(doc, 'span', { class: 'bar' });
  // CSSOM, not a style attribute: allowed by the panel's CSP without 'unsafe-inline'.
  bar.style.width = `${step.seconds > 0 ? Math.max(0.5, step.share * 100).toFixed(1) : 0}%`;
  const b = el(
    doc,
    'button',
    {
      type: 'button',
      class: `step${step.cached ? ' cached' : ''}${focused ? ' focus' : ''}`,
      title: `${where}${step.instruction}\n${step.cached ? 'cached' : step.duration}${step.warmup ? `, ${WARMUP}` : ''} · ${line} of the Dockerfile`,
      'data-position': String(step.position),
    },
    el(
      doc,
      'span',
      { class: 'step-label' },
      step.stage ? el(doc, 'span', { class: 'stage' }, where) : undefined,
      el(doc, 'code', {}, step.instruction),
    ),
    el(doc, 'span', { class: 'bar-track', 'aria-hidden': 'true' }, bar),
    el(
      doc,
      'span',
      { class: 'step-time' },
      step.duration,
      step.warmup ? el(doc, 'span', { class: 'warmup', 'aria-hidden': 'true' }, ' · warm-up') : undefined,
    ),
    step.cached ? el(doc, 'span', { class: 'sr-only' }, ', cached') : undefined,
    step.warmup ? el(doc, 'span', { class: 'sr-only' }, `, ${WARMUP}`) : undefined,
  );
  b.addEventListener('click', () => h.onStep({ variant, platform: cell.platform, position: step.position }));
  return el(doc, 'li', {}, b);
}

function cellSection(view: View, variant: TimelineVariant, cell: TimelineCell): HTMLElement {
  const { doc, order } = view;
  const { focus } = view.state;
  // A cell's border shows focus only when the panel was opened on that cell; a variant focus marks its heading.
  const focused = focus?.variant === variant.variant && focus.platform === cell.platform;
  const id = `cell-${variant.variant}-${cell.platform}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const list = el(doc, 'ol', { class: 'steps', 'aria-labelledby': id });
  for (const step of orderSteps(cell.steps, order))
    list.append(
      stepRow(view, { variant: variant.variant, cell, step, focused: focused && focus?.position === step.position }),
    );
  return el(
    doc,
    'section',
    {
      class: `cell${focused ? ' focus' : ''}${cell.status === 'succeeded' ? '' : ` ${cell.status}`}`,
      'data-platform': cell.platform,
    },
    el(
      doc,
      'h3',
      { id },
      shortPlatform(cell.platform),
      cell.emulated ? el(doc, 'span', { class: 'badge' }, 'emulated') : undefined,
      el(doc, 'span', { class: 'total' }, cell.total),
      el(doc, 'span', { class: 'cached-line' }, cell.cachedLine),
      trendChart(doc, cell),
      cell.status === 'succeeded'
        ? undefined
        : el(
            doc,
            'span',
            { class: 'status' },
            icon(doc, cell.status === 'failed' ? 'error' : 'circle-slash'),
            ` ${cell.status}`,
          ),
    ),
    list,
  );
}

function variantSection(view: View, v: TimelineVariant): HTMLElement {
  const { doc } = view;
  const { focus } = view.state;
  const section = el(
    doc,
    'section',
    { class: `variant${focus?.variant === v.variant ? ' focus' : ''}`, 'data-variant': v.variant },
    el(doc, 'h2', {}, icon(doc, 'package'), ` ${v.variant}`),
  );
  for (const line of v.emulation) section.append(el(doc, 'p', { class: 'emulation' }, icon(doc, 'vm'), ` ${line}`));
  for (const cell of v.cells) section.append(cellSection(view, v, cell));
  return section;
}

/** Replaces the content of `root` with the rendering of `state`, its steps in `order`. */
export function render(view: View): void {
  const { doc, root, state } = view;
  const parts: Node[] = [toolbar(view)];
  if (state.error) parts.push(el(doc, 'p', { class: 'error', role: 'alert' }, icon(doc, 'error'), ` ${state.error}`));
  if (!state.variants.length) parts.push(emptyState(view));
  else {
    parts.push(
      el(
        doc,
        'p',
        { class: 'muted' },
        'The latest build of each platform. Bars share one scale per variant; cached steps are dimmed. Select a step to open its Dockerfile line.',
      ),
    );
    for (const v of state.variants) parts.push(variantSection(view, v));
  }
  root.replaceChildren(...parts);
  if (!state.focus) return;
  // A step (from a Dockerfile line) takes the keyboard focus too, so Enter opens its line again.
  const step = root.querySelector<HTMLButtonElement>('button.step.focus');
  step?.focus?.({ preventScroll: true });
  (step ?? root.querySelector('section.cell.focus, section.variant.focus'))?.scrollIntoView?.({ block: 'center' });
}
