import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { readDockerfileUses } from '../../core/report/dockerfileUses';
import { hotSpotLines, locatedHotSpots } from '../../core/report/lineFactsText';
import { HOT_SPOT_FACTOR, HOT_SPOT_SECONDS } from '../../core/report/lineFacts';
import { timingsReport, timingsText } from '../../core/report/timings';
import { cellTrends, trendsText, TREND_BUILDS } from '../../core/report/trends';
import { ResultsStore } from '../../core/results/store';
import { printRecorded, readCommandFront, recordedOptions } from '../args';
import type { CliIO } from '../io';

const help = `multiarch timings [--config FILE] [--variant V]... [--history] [--json]

Where the build time went, for the latest build of each cell (variant × platform): the cell's own
seconds, each step's seconds and whether the cache served it, per variant how many times longer
the emulated platform took than the native one for the same steps, and the emulation hot spots:
Dockerfile lines whose emulated run took at least ${HOT_SPOT_SECONDS} s and ${HOT_SPOT_FACTOR}× the native run
(--json: "hotSpots", each with its Dockerfile and 1-based line).

--history   each cell's last ${TREND_BUILDS} recorded builds instead: time and share of cached steps,
            oldest first (--json: {"cells": [{variant, platform, builds: [{startedAt, status,
            seconds, cachedPercent}]}]}).
`;

export async function run(args: string[], io: CliIO): Promise<number> {
  const front = await readCommandFront({ name: 'timings', help, io }, () =>
    parseArgs({ args, options: { ...recordedOptions, history: { type: 'boolean' } }, strict: true }),
  );
  if (typeof front === 'number') return front;
  const { values, config } = front;
  const records = Object.values((await ResultsStore.forRoot(config.root).read()).cells).flat();
  const printed = { json: values.json, root: config.root, kind: 'timed' };
  if (values.history) {
    const trends = cellTrends(records, values.variant);
    printRecorded(io, { ...printed, data: { cells: trends }, text: trends.length ? trendsText(trends) : undefined });
    return 0;
  }
  const chosen = config.variants.filter((v) => !values.variant?.length || values.variant.includes(v.name));
  const hotSpots = locatedHotSpots(
    await readDockerfileUses(chosen.map((v) => ({ name: v.name, dockerfile: v.dockerfile }))),
    records,
  );
  const report = { ...timingsReport(records, values.variant), hotSpots };
  const hotSpotText = hotSpots.length
    ? ['Emulation hot spots:', ...hotSpotLines(hotSpots, (p) => relative(io.cwd, p) || p)].join('\n  ') + '\n'
    : '';
  const text = report.cells.length ? timingsText(report) + hotSpotText : undefined;
  printRecorded(io, { ...printed, data: report, text });
  return 0;
}
