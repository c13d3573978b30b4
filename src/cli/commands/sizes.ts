import { parseArgs } from 'node:util';
import { measureSizes } from '../../core/sizes/measureSizes';
import { readBuildRecords } from '../../core/sizes/buildRecords';
import { compareArchitectures } from '../../core/explain/explainCollect';
import { comparisonText } from '../../core/explain/explainText';
import { sizesJson, sizesText } from '../../core/sizes/sizesTable';
import { printRecorded, readCommandFront, recordedOptions } from '../args';
import type { CliIO } from '../io';

const help = `multiarch sizes [--config FILE] [--variant V]... [--json]
multiarch sizes --compare [--config FILE] [--variant V]... [--json]

Per-architecture image sizes of the last successful build of each cell (variant × platform):
compressed (layers + config in the platform manifest), disk (the engine's local store), layers, and
the change since the previous build. Exits 1 when a built cell could not be sized or the sizes could not be saved.

--compare explains why the architectures differ: per variant, the unpacked bytes of each layer (by the
instruction that created it) and of each top- and second-level directory, platforms side by side, the
largest difference first. Layers are streamed from the OCI archive, the registry or the local store
(docker/podman save); nothing is extracted to disk.
`;

export async function run(args: string[], io: CliIO): Promise<number> {
  const front = await readCommandFront({ name: 'sizes', help, io }, () =>
    parseArgs({ args, options: { ...recordedOptions, compare: { type: 'boolean' } }, strict: true }),
  );
  if (typeof front === 'number') return front;
  const { values, config } = front;
  const { root } = config;
  if (values.compare) {
    const records = await readBuildRecords(root);
    const comparisons = await compareArchitectures(records, { root, env: io.env, variants: values.variant });
    const text = comparisons.length ? comparisonText(comparisons) : undefined;
    printRecorded(io, { json: values.json, data: comparisons, text, root });
    return comparisons.some((c) => c.errors?.length) ? 1 : 0;
  }
  let saved = true;
  const rows = await measureSizes({
    root,
    env: io.env,
    warn: (m) => io.err(`multiarch sizes: warning: ${m}\n`),
    onNotSaved: (m) => {
      saved = false;
      io.err(`multiarch sizes: ${m}\n`);
    },
    variants: values.variant,
  });
  printRecorded(io, {
    json: values.json,
    data: sizesJson(rows),
    text: rows.length ? sizesText(rows) : undefined,
    root,
  });
  return rows.some((r) => r.error) || !saved ? 1 : 0;
}
