import { strict as assert } from 'node:assert';
import { matrixStatus } from '../../../src/core/results/matrixStatus';

describe('matrix status', () => {
  it('says what is building first, then what failed, then how much is built', () => {
    assert.deepEqual(matrixStatus(['running', 'queued', 'queued', 'succeeded', 'failed', 'idle', 'idle']), {
      state: 'building',
      text: '3/7 building',
      tooltip: 'Multi-Arch: 1/7 cells built, 3 building, 1 failed. Open the Multi-Arch view.',
    });
    assert.equal(matrixStatus(['succeeded', 'failed', 'cancelled'])!.text, '1 failed');
    assert.equal(matrixStatus(['succeeded', 'failed', 'cancelled'])!.state, 'failed');
    assert.deepEqual(matrixStatus(Array(7).fill('succeeded')), {
      state: 'built',
      text: '7/7 built',
      tooltip: 'Multi-Arch: 7/7 cells built. Open the Multi-Arch view.',
    });
    assert.equal(matrixStatus(['succeeded', 'idle', 'cancelled'])!.text, '1/3 built');
    assert.equal(matrixStatus(['succeeded', 'idle', 'cancelled'])!.state, 'partial');
  });

  it('is nothing without cells (no Dockerfile in the workspace)', () => {
    assert.equal(matrixStatus([]), undefined);
  });
});
