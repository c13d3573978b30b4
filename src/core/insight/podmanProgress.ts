import { LineProgress } from './lineProgress';
import type { OpenStep } from './stepTimer';

// `[linux/arm64] [2/4] STEP 2/2: RUN …`; the platform prefix only appears when one command builds several.
// A single-stage Dockerfile has no `[stage/stages]` part.
const STEP = /^(?:\[([a-z][a-z0-9]*\/[a-z0-9_]+(?:\/[a-z0-9]+)?)\] )?(?:\[(\d+)\/(\d+)\] )?STEP (\d+)\/(\d+): (.*)$/;
const FROM = /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?\s*$/i;
const USING_CACHE = /^--> Using cache [0-9a-f]+/;
const COMMITTED = /^--> [0-9a-f]{6,}$/;
const PULLING = /^(Trying to pull |Getting image source signatures|Copying blob |Copying config )/;

/**
 * podman/buildah 4.x `build` output. A step lasts from its `STEP` line to the `--> <id>` line that
 * commits it, or to the next `STEP` line of the same platform. `-->` lines carry no platform, so they
 * belong to the most recently started step still waiting for one (podman prints `Using cache` right
 * after the step's own line unless that step waits for another stage, as below). A `FROM <image>`
 * step has no `-->` line: it counts as cached unless podman pulled the image for it.
 * A step stays waiting for its `-->` line after its platform's next `STEP` line ends its time: stages of
 * one platform run side by side (`COPY --from=deps` is printed, then waits while deps' RUN starts), and
 * its `Using cache` line can come after the other stage's steps.
 */
export class PodmanProgress extends LineProgress {
  private readonly current = new Map<string, OpenStep>();
  private readonly stageNames = new Map<string, string>();
  private awaiting: OpenStep[] = [];
  private lastFrom?: OpenStep;

  protected line(line: string, now: number): void {
    const m = STEP.exec(line);
    if (m) return this.step(m, now);
    if (USING_CACHE.test(line)) {
      const s = this.awaiting[this.awaiting.length - 1];
      if (s) s.cached = true;
    } else if (COMMITTED.test(line)) {
      const s = this.awaiting.pop();
      if (s) s.end ??= now;
    } else if (PULLING.test(line) && this.lastFrom) {
      this.lastFrom.cached = false;
    }
  }

  private step(m: RegExpExecArray, now: number): void {
    const [, prefix, stageNo = '1', stageCount = '1', stepNo, , instruction = ''] = m;
    const cell = prefix
      ? this.cells.find((c) => c.platform === prefix)
      : this.cells.length === 1
        ? this.cells[0]
        : undefined;
    if (!cell) return;
    const platform = cell.platform;
    const previous = this.current.get(platform);
    if (previous) previous.end ??= now;
    this.current.delete(platform);
    const key = `${platform} ${stageNo}`;
    const from = FROM.exec(instruction);
    if (from) {
      this.stageNames.set(key, from[2] ?? (stageCount === '1' ? '' : `stage-${Number(stageNo) - 1}`));
      // Like BuildKit, only a FROM that names an image is a step; `scratch` and earlier stages (by id) are not.
      if (from[1] === 'scratch' || /^[0-9a-f]{64}$/.test(from[1]!)) return;
    }
    const step: OpenStep = this.timer.add(
      cell,
      { stage: this.stageNames.get(key) ?? '', index: Number(stepNo), instruction },
      now,
    );
    this.current.set(platform, step);
    if (from) {
      step.cached = true;
      this.lastFrom = step;
    } else {
      this.awaiting.push(step);
    }
  }
}
