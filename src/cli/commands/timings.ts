import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { readDockerfileUses } from '../../core/report/dockerfileUses';
import { hotSpotLines, locatedHotSpots } from '../../core/report/lineFactsText';
import { HOT_SPOT_FACTOR, HOT_SPOT_SECONDS } from '../../core/report/lineFacts';
import { timingsReport, timingsText } from '../../core/report/timings';
import { cellTrends, trendsText, TREND_BUILDS } from '../../core/report/trends';
import { ResultsStore } from '../../core/results/store';
import { resultsPath } from '../../core/state';
import { configOptions, parseOrUsage, requireConfig } from '../args';
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
  const parsed = parseOrUsage({ name: 'timings', help, io }, () =>
    parseArgs({
      args,
      options: {
        ...configOptions,
        variant: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        history: { type: 'boolean' },
      },
      strict: true,
    }),
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const config = await requireConfig(io, values.config);
  if (!config) return 2;
  const unknown = (values.variant ?? []).filter((v) => !config.variants.some((c) => c.name === v));
  if (unknown.length) {
    io.err(
      `multiarch timings: unknown variant ${unknown.map((v) => `"${v}"`).join(', ')} (variants: ${config.variants.map((v) => v.name).join(', ')})\n`,
    );
    return 2;
  }
  const records = Object.values((await ResultsStore.forRoot(config.root).read()).cells).flat();
  const nothing = `No timed build recorded in ${resultsPath(config.root)}: run "multiarch build" first.\n`;
  if (values.history) {
    const trends = cellTrends(records, values.variant);
    if (values.json) io.out(`${JSON.stringify({ cells: trends }, null, 2)}\n`);
    else io.out(trends.length ? trendsText(trends) : nothing);
    return 0;
  }
  const chosen = config.variants.filter((v) => !values.variant?.length || values.variant.includes(v.name));
  const hotSpots = locatedHotSpots(
    await readDockerfileUses(chosen.map((v) => ({ name: v.name, dockerfile: v.dockerfile }))),
    records,
  );
  const report = { ...timingsReport(records, values.variant), hotSpots };
  if (values.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
  else if (!report.cells.length) io.out(nothing);
  else {
    io.out(timingsText(report));
    if (hotSpots.length)
      io.out(['Emulation hot spots:', ...hotSpotLines(hotSpots, (p) => relative(io.cwd, p) || p)].join('\n  ') + '\n');
  }
  return 0;
}
