import type { StepRecord } from '../insight/types';
import type { BuildRecord } from '../results/types';

/**
 * How many other steps ran on the same machine while a step ran, from the steps' recorded start times.
 * A build that overlaps another is not always slowed by it: on 2 cores, the native and the emulated
 * warm-up side by side each have a core, while three variant builds at once share two. So the emulation
 * factor compares the steps that had a core of their own (peak of others below the cores), where build-level
 * overlap would call every step of a parallel Build All contended. How long the crowding lasted matters, not
 * only its peak: a minute-long emulated step that two native builds overlapped for the half second one
 * handed over to the next still had its core. Cached steps cost no CPU and are left out;
 * a step several records share (one warm-up recorded against each cell it served) counts once.
 */
export class StepContention {
  private readonly byNode = new Map<string, Span[]>();

  constructor(records: BuildRecord[]) {
    const seen = new Set<string>();
    for (const r of records) {
      const node = r.node ?? '';
      for (const s of r.timing?.steps ?? []) {
        const span = spanOf(s);
        if (!span) continue;
        const key = spanKey(s, r.platform);
        if (seen.has(`${node}\0${key}`)) continue;
        seen.add(`${node}\0${key}`);
        const list = this.byNode.get(node) ?? this.byNode.set(node, []).get(node)!;
        list.push({ ...span, key });
      }
    }
  }

  /**
   * While `step` (of `record`) ran on its machine: the most other steps running at one moment, the share
   * of its time during which at least `cores` others ran (0–1), and the seconds it would have taken with a core
   * of its own (`alone`). Undefined when the step has no start time (recorded before it was kept) or was cached;
   * a step timed at 0 s had nothing beside it.
   *
   * `alone` counts each moment at the step's share of the cores: whole while no more steps than cores ran, and
   * cores ÷ running beyond that. Build steps are CPU-bound (a compiler, pip, every instruction under QEMU), so
   * three steps on two cores each run at two thirds of their speed.
   */
  contention(
    step: StepRecord,
    record: Pick<BuildRecord, 'node' | 'platform'>,
    cores: number,
  ): { peak: number; crowded: number; alone: number } | undefined {
    // A step the output timed at 0 s (an ENV, a CMD) crowds nothing and was crowded by nothing.
    if (step.at !== undefined && !step.cached && step.seconds <= 0) return { peak: 0, crowded: 0, alone: 0 };
    const span = spanOf(step);
    if (!span) return undefined;
    const self = spanKey(step, record.platform);
    const events: Array<[number, number]> = [];
    for (const o of this.byNode.get(record.node ?? '') ?? []) {
      if (o.key === self || o.end <= span.start || o.start >= span.end) continue;
      events.push([Math.max(o.start, span.start), 1], [Math.min(o.end, span.end), -1]);
    }
    // Ends sort before starts at the same moment: one step handing over to the next is not two at once.
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let now = 0;
    let peak = 0;
    let crowdedMs = 0;
    let aloneMs = 0;
    let last = span.start;
    const close = (t: number) => {
      if (now >= cores) crowdedMs += t - last;
      aloneMs += (t - last) * Math.min(1, cores / (now + 1));
      last = t;
    };
    for (const [t, d] of events) {
      close(t);
      peak = Math.max(peak, (now += d));
    }
    close(span.end);
    return { peak, crowded: crowdedMs / (span.end - span.start), alone: aloneMs / 1000 };
  }
}

interface Span {
  start: number;
  end: number;
  key: string;
}

function spanOf(s: StepRecord): Omit<Span, 'key'> | undefined {
  if (s.at === undefined || s.cached || s.seconds <= 0) return undefined;
  return { start: s.at, end: s.at + s.seconds * 1000 };
}

/** The same step of the same platform's build, whichever cell's record carries it. */
function spanKey(s: StepRecord, platform: string): string {
  return `${platform}\0${s.at}\0${s.stage}\0${s.index}\0${s.instruction}`;
}
