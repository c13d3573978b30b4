import { LineProgress } from './lineProgress';
import type { OpenStep } from './stepTimer';
import { parseVertexName } from './vertexName';

const VERTEX_LINE = /^#(\d+) (.*)$/;
const DONE = /^DONE (\d+(?:\.\d+)?)s$/;

/**
 * BuildKit `--progress=plain` (dockerd with DOCKER_BUILDKIT=1, buildx): `#7 [deps 2/3] RUN …` names a
 * vertex the first time `#7` appears, `#7 CACHED` and `#7 DONE 1.2s` end it, `#7 ERROR …`/`CANCELED` stop it.
 * BuildKit's own duration is used when it prints one; arrival times bound the cell's span.
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
      this.vertices.set(
        id,
        step ? step.cells.map((c) => this.timer.add(c, step.stage, step.index, step.instruction, now)) : [],
      );
      return;
    }
    const done = DONE.exec(rest);
    if (rest === 'CACHED') {
      for (const s of known) Object.assign(s, { cached: true, reported: 0, end: now });
    } else if (done) {
      for (const s of known) Object.assign(s, { reported: Number(done[1]), end: now });
    } else if (rest.startsWith('ERROR') || rest === 'CANCELED') {
      for (const s of known) s.end ??= now;
    }
  }
}
