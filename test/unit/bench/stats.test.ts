import { strict as assert } from 'node:assert';
import { median } from '../../../bench/stats';

describe('bench median', () => {
  it('is the middle value, the mean of the two middle ones for an even count, whatever the order', () => {
    assert.equal(median([3.5]), 3.5);
    assert.equal(median([4.1, 2.6, 3.3]), 3.3);
    assert.equal(median([2.8, 3.6, 2.4, 2.7]), 2.75);
  });

  it('leaves its input as it was, and refuses no values', () => {
    const xs = [3, 1, 2];
    median(xs);
    assert.deepEqual(xs, [3, 1, 2]);
    assert.throws(() => median([]), /no values/);
  });
});
