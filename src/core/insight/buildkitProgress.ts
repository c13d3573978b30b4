import { cellId } from '../jobs';
import { LineProgress } from './lineProgress';
import type { CellTiming } from './types';
import { round, type OpenStep } from './stepTimer';
import { parseVertexName } from './vertexName';

const VERTEX_LINE = /^#(\d+) (.*)$/;
const DONE = /^DONE (\d+(?:\.\d+)?)s$/;

/**
 * BuildKit `--progress=plain` (dockerd with DOCKER_BUILDKIT=1, buildx): `#7 [deps 2/3] RUN …` names a
 * vertex the first time `#7` appears, `#7 CACHED` and `#7 DONE 1.2s` end it, `#7 ERROR …`/`CANCELED` stop it.
 * BuildKit's own duration is used when it prints one; arrival times bound the cell's span.
 *
 * The plain printer shows one vertex at a time and holds the others back, so a step's name can arrive well
 * after the step started: a step that reports its duration started no later than its DONE line minus that
 * duration. In a bake, a step several targets share is one vertex, printed again under each target's name
 * whose update the printer shows (`#7 [kafka linux/amd64 …]`, then `#7 [redis linux/amd64 …]`): each name
 * adds its cells to the step.
 */
export class BuildkitPlainProgress extends LineProgress {
  private readonly vertices = new Map<string, OpenStep[]>();

  protected line(line: string, now: number): void {
    const m = VERTEX_LINE.exec(line);
    if (!m) return;
    const [, id = '', rest = ''] = m;
    const known = this.vertices.get(id);
    if (!known) {
      const step = parseVertexName(rest, this.cells);
      this.vertices.set(id, step ? step.cells.map((c) => this.timer.add(c, step, now)) : []);
      return;
    }
    const done = DONE.exec(rest);
    if (rest === 'CACHED') {
      for (const s of known) Object.assign(s, { cached: true, reported: 0, end: now });
    } else if (done) {
      const reported = Number(done[1]);
      for (const s of known) Object.assign(s, { reported, end: now, start: Math.min(s.start, now - reported * 1000) });
    } else if (rest.startsWith('ERROR') || rest === 'CANCELED') {
      for (const s of known) s.end ??= now;
    } else if (rest.startsWith('[')) {
      this.renamed(known, rest, now);
    }
  }

  /**
   * The printer also holds DONE lines back and sends several at once, so arrival times can make a cell's
   * span shorter than its steps took one after another; BuildKit's own durations are the better measure
   * then. (Stages that ran side by side make the sum an overcount; plain output cannot show that.)
   */
  override finish(now: number): Record<string, CellTiming> {
    const out = super.finish(now);
    for (const t of Object.values(out)) {
      const sum = round(t.steps.reduce((n, s) => n + s.seconds, 0));
      if (sum > t.seconds) t.seconds = sum;
    }
    return out;
  }

  /** A known vertex printed under another bake target's name: the step is that target's cells' too. */
  private renamed(known: OpenStep[], name: string, now: number): void {
    const step = parseVertexName(name, this.cells);
    if (!step) return;
    const first = known[0];
    for (const c of step.cells) {
      if (known.some((s) => s.cell === cellId(c))) continue;
      const added = this.timer.add(c, step, first?.start ?? now);
      if (first) Object.assign(added, { cached: first.cached, end: first.end, reported: first.reported });
      known.push(added);
    }
  }
}
