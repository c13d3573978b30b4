import type { Cell } from '../jobs';
import { BuildkitPlainProgress } from './buildkitProgress';
import { StepTimer, type OpenStep } from './stepTimer';
import type { CellTiming, ProgressParser } from './types';
import { parseVertexName } from './vertexName';

/** The part of BuildKit's `client.SolveStatus` (moby/buildkit client/graph.go) the timings need. */
interface RawVertex {
  digest?: string;
  name?: string;
  started?: string;
  completed?: string;
  cached?: boolean;
  error?: string;
}

/**
 * The step events of the buildx reference's `history logs --progress rawjson` example
 * (`{"id","status":"START","timestamp","detail"}`, then `"COMPLETE"` with `duration` in nanoseconds).
 */
interface StepEvent {
  id?: unknown;
  status?: unknown;
  timestamp?: unknown;
  detail?: unknown;
  duration?: unknown;
}

function stepEvent(e: StepEvent): RawVertex | undefined {
  if (typeof e.id !== 'string' || typeof e.timestamp !== 'string') return undefined;
  const name = typeof e.detail === 'string' ? { name: e.detail } : {};
  if (e.status === 'START') return { digest: e.id, ...name, started: e.timestamp };
  if (e.status !== 'COMPLETE') return undefined;
  const end = Date.parse(e.timestamp);
  const started =
    typeof e.duration === 'number' && !Number.isNaN(end)
      ? { started: new Date(end - e.duration / 1e6).toISOString() }
      : {};
  return { digest: e.id, ...name, ...started, completed: e.timestamp };
}

/**
 * buildx `--progress=rawjson`: one JSON-encoded SolveStatus per update, `{"vertexes":[{digest, name,
 * started, completed, cached}], "statuses":[…], "logs":[…]}`. Some BuildKit versions indent the objects
 * over several lines (moby/buildkit#4769), so objects are cut from the stream by brace depth, not by line.
 */
export class RawJsonProgress implements ProgressParser {
  private readonly timer: StepTimer;
  private readonly vertices = new Map<string, OpenStep[]>();
  private buffer = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private objectStart = -1;

  constructor(private readonly cells: Cell[]) {
    this.timer = new StepTimer(cells);
  }

  feed(text: string, now: number): void {
    const base = this.buffer.length;
    this.buffer += text;
    for (let i = base; i < this.buffer.length; i++) {
      const ch = this.buffer[i];
      if (this.depth > 0 && this.inString) {
        if (this.escaped) this.escaped = false;
        else if (ch === '\\') this.escaped = true;
        else if (ch === '"') this.inString = false;
        continue;
      }
      if (ch === '"' && this.depth > 0) this.inString = true;
      else if (ch === '{') {
        if (this.depth++ === 0) this.objectStart = i;
      } else if (ch === '}' && this.depth > 0 && --this.depth === 0) {
        this.object(this.buffer.slice(this.objectStart, i + 1), now);
        this.buffer = this.buffer.slice(i + 1);
        i = -1;
      }
    }
    if (this.depth === 0) this.buffer = '';
  }

  finish(now: number): Record<string, CellTiming> {
    return this.timer.finish(now);
  }

  private object(text: string, now: number): void {
    let status: { vertexes?: RawVertex[] } & StepEvent;
    try {
      status = JSON.parse(text) as { vertexes?: RawVertex[] } & StepEvent;
    } catch {
      return; // a brace in a plain message, not a status object
    }
    for (const v of Array.isArray(status.vertexes) ? status.vertexes : []) this.vertex(v, now);
    const event = stepEvent(status);
    if (event) this.vertex(event, now);
  }

  private vertex(v: RawVertex, now: number): void {
    if (typeof v.digest !== 'string') return;
    let steps = this.vertices.get(v.digest);
    if (!steps) {
      const step = typeof v.name === 'string' ? parseVertexName(v.name, this.cells) : undefined;
      if (!step && typeof v.name !== 'string') return; // wait for an update that names it
      steps = step ? step.cells.map((c) => this.timer.add(c, step, now)) : [];
      this.vertices.set(v.digest, steps);
    }
    const started = v.started ? Date.parse(v.started) : NaN;
    const completed = v.completed ? Date.parse(v.completed) : NaN;
    for (const s of steps) {
      if (!Number.isNaN(started)) s.start = started;
      if (!Number.isNaN(completed)) s.end = completed;
      if (v.cached) s.cached = true;
      if (!Number.isNaN(started) && !Number.isNaN(completed)) s.reported = s.cached ? 0 : (completed - started) / 1000;
    }
  }
}

/** buildx prints whichever progress the user's BUILDKIT_PROGRESS asks for: rawjson objects or plain lines. */
export class BuildxProgress implements ProgressParser {
  private inner?: ProgressParser;

  constructor(private readonly cells: Cell[]) {}

  feed(text: string, now: number): void {
    if (!this.inner) {
      const first = text.trimStart()[0];
      if (first === undefined) return;
      this.inner = first === '{' ? new RawJsonProgress(this.cells) : new BuildkitPlainProgress(this.cells);
    }
    this.inner.feed(text, now);
  }

  finish(now: number): Record<string, CellTiming> {
    return this.inner?.finish(now) ?? {};
  }
}
