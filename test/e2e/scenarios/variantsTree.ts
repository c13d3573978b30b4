// The Multi-Arch activity-bar icon opens the Variants tree with the example's variant x platform matrix.
import { strict as assert } from 'node:assert';
import type { ScenarioContext } from '../context';
import { openViewContainer, rowTexts, waitForRows } from '../workbench';

export async function variantsTreeShowsMatrix({ page, screenshot }: ScenarioContext): Promise<void> {
  await openViewContainer(page, 'Multi-Arch');
  await waitForRows(page, ['minimal', 'redis', 'sqs']);
  await waitForRows(page, ['linux/amd64', 'linux/arm64']);
  await screenshot('tree');

  // Each variant is followed by its own platforms one level deeper; sqs is amd64 only (see multiarch.yaml).
  const rows = await rowTexts(page);
  const children = (variant: string) => {
    const i = rows.findIndex((r) => r.text === variant);
    assert.ok(i >= 0, `row ${variant} missing from ${JSON.stringify(rows)}`);
    const out: string[] = [];
    for (const r of rows.slice(i + 1)) {
      if (r.level <= rows[i]!.level) break;
      if (r.level === rows[i]!.level + 1) out.push(r.text);
    }
    return out;
  };
  assert.deepEqual(children('minimal'), ['linux/amd64', 'linux/arm64']);
  assert.deepEqual(children('redis'), ['linux/amd64', 'linux/arm64']);
  assert.deepEqual(children('sqs'), ['linux/amd64']);
}
