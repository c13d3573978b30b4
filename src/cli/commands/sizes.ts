import { parseArgs } from 'node:util';
import { measureSizes } from '../../core/sizes/measureSizes';
import { resultsPath } from '../../core/state';
import { readBuildRecords } from '../../core/sizes/buildRecords';
import { compareArchitectures } from '../../core/explain/explainCollect';
import { comparisonText } from '../../core/explain/explainText';
import { sizesJson, sizesText } from '../../core/sizes/sizesTable';
import { configOptions, parseOrUsage, requireConfig } from '../args';
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
  const parsed = parseOrUsage({ name: 'sizes', help, io }, () =>
    parseArgs({
      args,
      options: {
        ...configOptions,
        variant: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        compare: { type: 'boolean' },
      },
      strict: true,
    }),
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const config = await requireConfig(io, values.config);
  if (!config) return 2;
  const { root, variants } = config;
  const unknown = (values.variant ?? []).filter((v) => !variants.some((c) => c.name === v));
  if (unknown.length) {
    io.err(
      `multiarch sizes: unknown variant ${unknown.map((v) => `"${v}"`).join(', ')} (variants: ${variants.map((v) => v.name).join(', ')})\n`,
    );
    return 2;
  }
  if (values.compare) {
    const records = await readBuildRecords(root);
    const comparisons = await compareArchitectures(records, {
      root,
      env: io.env,
      ...(values.variant ? { variants: values.variant } : {}),
    });
    if (values.json) io.out(`${JSON.stringify(comparisons, null, 2)}\n`);
    else if (!comparisons.length)
      io.out(`No successful build recorded in ${resultsPath(root)}: run "multiarch build" first.\n`);
    else io.out(comparisonText(comparisons));
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
    ...(values.variant ? { variants: values.variant } : {}),
  });
  if (values.json) io.out(`${JSON.stringify(sizesJson(rows), null, 2)}\n`);
  else if (!rows.length) io.out(`No successful build recorded in ${resultsPath(root)}: run "multiarch build" first.\n`);
  else io.out(sizesText(rows));
  return rows.some((r) => r.error) || !saved ? 1 : 0;
}
