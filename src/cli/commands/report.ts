import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { collectReport } from '../../core/report/collectReport';
import { renderReport } from '../../core/report/renderReport';
import { writeFileAtomic } from '../../core/state';
import { configOptions, parseOrUsage, requireConfig } from '../args';
import type { CliIO } from '../io';

const help = `multiarch report [--config FILE] [--out FILE]

Writes the build results report (Markdown): host, engine, platforms, test cases, per-build times and
sizes, architecture verification, cache figures and limitations, all from recorded builds.
Prints to stdout unless --out is given.
`;

export async function run(args: string[], io: CliIO): Promise<number> {
  const parsed = parseOrUsage({ name: 'report', help, io }, () =>
    parseArgs({
      args,
      options: {
        ...configOptions,
        out: { type: 'string', short: 'o' },
      },
      strict: true,
    }),
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const config = await requireConfig(io, values.config);
  if (!config) return 2;
  const { root, variants } = config;
  const platforms = [...new Set(variants.flatMap((v) => v.platforms))].sort();
  const text = renderReport(await collectReport({ root, env: io.env, platforms, variantArg: config.variantArg }));
  if (!values.out) {
    io.out(text);
    return 0;
  }
  const file = resolve(io.cwd, values.out);
  await writeFileAtomic(file, text);
  io.err(`multiarch report: wrote ${file}\n`);
  return 0;
}
