import * as assert from 'node:assert/strict';
import { lowerBound } from '../../../bench/bound';
import type { CellTiming, StepRecord } from '../../../src/core/insight/types';

const step = (stage: string, index: number, seconds: number, cached = false): StepRecord => ({
  stage,
  index,
  instruction: `${stage} ${index}`,
  seconds,
  cached,
});
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} ≠ ${b}`);
const cell = (steps: StepRecord[]): CellTiming => ({ seconds: steps.reduce((a, s) => a + s.seconds, 0), steps });

describe('bench lower bound', () => {
  // The loop's three variants: deps (1 s native, 6 s emulated) computed by the first, cached by the others.
  const variant = (name: string, first: boolean) => ({
    [`${name}@linux/amd64`]: cell([step('deps', 1, first ? 1 : 0, !first), step('runtime', 1, 0.2)]),
    [`${name}@linux/arm64`]: cell([step('deps', 1, first ? 6 : 0, !first), step('runtime', 1, 0.5)]),
  });
  const timings = [variant('a', true), variant('b', false), variant('c', false)];

  it('critical path: the slowest platform’s shared steps, its cheapest variant layer and one build’s fixed cost', () => {
    const b = lowerBound(timings, 0.5, 3, 2);
    assert.deepEqual(b.sharedSeconds, { 'linux/amd64': 1, 'linux/arm64': 6 });
    close(b.variantSeconds, 3 * 0.2 + 3 * 0.5);
    close(b.criticalPath, 6 + 0.5 + 0.5);
    close(b.work, (7 + 2.1 + 3 * 0.5) / 2);
    assert.equal(b.seconds, b.criticalPath);
    // After arm64's shared steps its three variant layers (0.5 s each) share the 2 cores: 0.75 s, not 0.5 s.
    close(b.afterShared, 6 + 1.5 / 2 + 0.5);
  });

  it('work over the cores wins when there are few cores for the work', () => {
    const b = lowerBound(timings, 0.5, 3, 1);
    close(b.seconds, 7 + 2.1 + 1.5);
  });

  it('Build All’s own step times, when shorter, shorten the critical path: it ran those steps one after the other too', () => {
    const b = lowerBound(timings, 0.5, 3, 2, {
      shared: { 'linux/amd64': 1.2, 'linux/arm64': 5 },
      own: { 'linux/amd64': [0.3], 'linux/arm64': [0.6, 0.4] },
    });
    close(b.criticalPath, 5 + 0.4 + 0.5);
    // Build All's variant steps are not all there (two of three cells): the loop's sum stands.
    close(b.afterShared, 5 + 1.5 / 2 + 0.5);
    const all = lowerBound(timings, 0.5, 3, 2, {
      shared: { 'linux/arm64': 5 },
      own: { 'linux/amd64': [0.2, 0.2, 0.2], 'linux/arm64': [0.4, 0.4, 0.4] },
    });
    close(all.afterShared, 5 + 1.2 / 2 + 0.5);
  });
});
