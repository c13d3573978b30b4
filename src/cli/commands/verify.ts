import { parseArgs } from 'node:util';
import { readBuildRecords } from '../../core/sizes/buildRecords';
import { programsFromEnv } from '../../core/sizes/programs';
import { verifyBuilds } from '../../core/verify/runVerify';
import { staticVerify } from '../../core/verify/static/staticVerify';
import { staticText, verifyText } from '../../core/verify/verifyText';
import { writeVerifyResults } from '../../core/verify/verifyStore';
import { configOptions, parseOrUsage, printRecorded, requireConfig } from '../args';
import type { CliIO } from '../io';

const help = `multiarch verify [--config FILE] [--variant V]... [--timeout SECONDS] [--static] [--json]

Runs each check of the variant's verify config in a fresh container of the last successful build of each
cell (docker/podman run --rm --network none --platform P). The "architecture" check runs verify.command
(default: uname -m); it and any check without "expect" pass when the output names the platform's machine
(x86_64, aarch64, …) and no other. A check that runs past its timeout (default 60 s, --timeout sets the
default) fails and its container is removed. Exits 1 when a check fails; skipped cells (no emulator, no
runnable image) say why and do not fail. --json prints one row per cell with checks: [{name, status, output}].

--static runs nothing: it reads each cell's image (its OCI archive, or docker/podman save streamed from the
local store), applies the layers' whiteouts and compares every ELF binary's machine with the platform, and
the ENTRYPOINT/CMD program's (through PATH, symlinks and #! interpreters). --json prints
{"cells": [{variant, platform, status, checked, mismatches: [{path, machine}]}]}.
`;

export async function run(args: string[], io: CliIO): Promise<number> {
  const parsed = parseOrUsage({ name: 'verify', help, io }, () =>
    parseArgs({
      args,
      options: {
        ...configOptions,
        variant: { type: 'string', multiple: true },
        timeout: { type: 'string' },
        static: { type: 'boolean' },
        json: { type: 'boolean' },
      },
      strict: true,
    }),
  );
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
  if (values.static) {
    const cells = await staticVerify(records, {
      root,
      env: io.env,
      programs: programsFromEnv(io.env),
      variants: values.variant,
    });
    printRecorded(io, { json: values.json, data: { cells }, text: cells.length ? staticText(cells) : undefined, root });
    return cells.some((c) => c.status === 'fail') ? 1 : 0;
  }
  const results = await verifyBuilds(records, {
    env: io.env,
    programs: programsFromEnv(io.env),
    checksFor: (name) => variants.find((v) => v.name === name)?.verifyChecks,
    variants: values.variant,
    timeoutMs: timeoutS === undefined ? undefined : timeoutS * 1000,
  });
  let notSaved: string | undefined;
  try {
    if (results.length) await writeVerifyResults(root, results, (m) => io.err(`multiarch verify: warning: ${m}\n`));
  } catch (err) {
    // The checks ran: show what they found, then say it was not kept.
    notSaved = `multiarch verify: the checks ran but were not saved: ${(err as Error).message}\n`;
  }
  printRecorded(io, { json: values.json, data: results, text: results.length ? verifyText(results) : undefined, root });
  if (notSaved) io.err(notSaved);
  return notSaved || results.some((r) => r.status === 'fail') ? 1 : 0;
}
