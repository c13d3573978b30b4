// A cell's last builds as a small SVG: one bar per build for its time (scaled to the slowest of them),
// a line for the share of cached steps (0–100%). Built with createElementNS and attributes only; colours
// come from the stylesheet's theme variables.
import type { TimelineCell } from '../../../src/shared/timelineProtocol';

const SVG = 'http://www.w3.org/2000/svg';
const BAR = 6;
const GAP = 2;
const HEIGHT = 28;

function svg<K extends keyof SVGElementTagNameMap>(
  doc: Document,
  tag: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const node = doc.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/** undefined when the cell has fewer than two builds: there is no trend to draw. */
export function trendChart(doc: Document, cell: TimelineCell): SVGSVGElement | undefined {
  const builds = cell.trend;
  if (builds.length < 2) return undefined;
  const width = builds.length * (BAR + GAP);
  const chart = svg(doc, 'svg', {
    class: 'trend',
    width,
    height: HEIGHT,
    viewBox: `0 0 ${width} ${HEIGHT}`,
    role: 'img',
    'aria-label': `Last ${builds.length} builds: ${cell.trendLine}`,
  });
  const title = svg(doc, 'title', {});
  title.textContent = `Last ${builds.length} builds (oldest first): ${cell.trendLine}`;
  chart.append(title);
  const slowest = Math.max(...builds.map((b) => b.seconds));
  builds.forEach((b, i) => {
    const h = slowest > 0 ? Math.max(1, (b.seconds / slowest) * (HEIGHT - 2)) : 1;
    const bar = svg(doc, 'rect', {
      class: `trend-bar${b.status === 'succeeded' ? '' : ' failed'}`,
      x: i * (BAR + GAP),
      y: HEIGHT - h,
      width: BAR,
      height: h,
    });
    const tip = svg(doc, 'title', {});
    tip.textContent = `${new Date(b.startedAt).toLocaleString()}: ${b.seconds.toFixed(1)} s, ${
      b.cachedPercent === undefined ? 'steps not recorded' : `${b.cachedPercent}% cached`
    }${b.status === 'succeeded' ? '' : ` (${b.status})`}`;
    bar.append(tip);
    chart.append(bar);
  });
  const points = builds
    .map((b, i) =>
      b.cachedPercent === undefined
        ? undefined
        : `${i * (BAR + GAP) + BAR / 2},${(HEIGHT - 1 - (b.cachedPercent / 100) * (HEIGHT - 2)).toFixed(1)}`,
    )
    .filter((p): p is string => p !== undefined);
  if (points.length > 1) chart.append(svg(doc, 'polyline', { class: 'trend-cache', points: points.join(' ') }));
  return chart;
}
