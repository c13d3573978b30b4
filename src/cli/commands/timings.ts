import { parseArgs } from 'node:util';
import { timingsReport, timingsText } from '../../core/report/timings';
import { ResultsStore } from '../../core/results/store';
import { resultsPath } from '../../core/state';
import { configOptions, parseOrUsage, requireConfig } from '../args';
import type { CliIO } from '../io';

const help = `multiarch timings [--config FILE] [--variant V]... [--json]

Where the build time went, for the latest build of each cell (variant × platform): the cell's own
seconds, each step's seconds and whether the cache served it, and per variant how many times longer
the emulated platform took than the native one for the same steps.
`;

export async function run(args: string[], io: CliIO): Promise<number> {
  const parsed = parseOrUsage('timings', help, io, () =>
    parseArgs({
      args,
      options: { ...configOptions, variant: { type: 'string', multiple: true }, json: { type: 'boolean' } },
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
  const report = timingsReport(records, values.variant);
  if (values.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
  else if (!report.cells.length)
    io.out(`No timed build recorded in ${resultsPath(config.root)}: run "multiarch build" first.\n`);
  else io.out(timingsText(report));
  return 0;
}
