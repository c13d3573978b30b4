import { parseArgs } from 'node:util';
import { readBuildRecords, resultsPath } from '../../core/sizes/buildRecords';
import { programsFromEnv } from '../../core/sizes/programs';
import { verifyText } from '../../core/sizes/sizesTable';
import { verifyBuilds } from '../../core/verify/runVerify';
import { writeVerifyResults } from '../../core/verify/verifyStore';
import { configOptions, parseOrUsage, requireConfig } from '../args';
import type { CliIO } from '../io';

const help = `multiarch verify [--config FILE] [--variant V]... [--timeout SECONDS] [--json]

Runs the last successful build of each cell for its platform (docker/podman run --platform P) with the
variant's verify.command (default: uname -m) and compares the machine it reports with the platform's.
Exits 1 when a cell reports the wrong machine or fails to run; skipped cells (no emulator, no runnable
image) say why and do not fail.
`;

export async function run(args: string[], io: CliIO): Promise<number> {
  const parsed = parseOrUsage('verify', help, io, () => parseArgs({
    args,
    options: {
      ...configOptions,
      variant: { type: 'string', multiple: true },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  }));
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const timeoutS = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutS !== undefined && !(timeoutS > 0)) {
    io.err(`multiarch verify: --timeout must be a positive number of seconds (got "${values.timeout}")\n`);
    return 2;
  }
  const config = await requireConfig(io, values.config);
  if (!config) return 2;
  const { root, variants } = config;
  const records = await readBuildRecords(root);
  const results = await verifyBuilds(records, {
    env: io.env,
    programs: programsFromEnv(io.env),
    commandFor: (name) => variants.find((v) => v.name === name)?.verifyCommand,
    ...(values.variant ? { variants: values.variant } : {}),
    ...(timeoutS ? { timeoutMs: timeoutS * 1000 } : {}),
  });
  if (results.length) await writeVerifyResults(root, results);
  if (values.json) io.out(`${JSON.stringify(results, null, 2)}\n`);
  else if (!results.length) io.out(`No successful build recorded in ${resultsPath(root)}: run "multiarch build" first.\n`);
  else io.out(verifyText(results));
  return results.some((r) => r.status === 'fail') ? 1 : 0;
}
