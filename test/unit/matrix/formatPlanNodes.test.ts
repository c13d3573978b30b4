import * as assert from 'node:assert/strict';
import { planToText } from '../../../src/core/matrix/formatPlan';
import { buildPlan } from '../../../src/core/matrix/plan';
import { sampleConfig } from '../helpers/sampleConfig';

describe('plan text with build nodes', () => {
  const plan = () => buildPlan(sampleConfig(), { engine: 'docker', output: 'load', variants: ['redis'] });
  const headers = (text: string) => text.split('\n').filter((l) => l.startsWith('# redis'));

  it('names the node of every job, this machine as "local", once any job runs on a node', () => {
    const p = plan();
    p.jobs = p.jobs.map((j) => (j.platforms.includes('linux/arm64') ? { ...j, node: 'arm-box' } : j));
    const lines = headers(planToText(p, 'test'));
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^# redis → linux\/amd64 .* on local$/);
    assert.match(lines[1]!, /^# redis → linux\/arm64 .* on node arm-box$/);
  });

  it('says nothing about nodes when every job runs here', () => {
    for (const line of headers(planToText(plan(), 'test'))) assert.doesNotMatch(line, / on /);
  });
});
