import { parseArgs } from 'node:util';
import type { CliIO } from '../io';
import { buildPlan, PlanError } from '../../core/matrix/plan';
import { configOptions, isOutputMode, parseOrUsage, requireConfig } from '../args';
import { engineOption } from '../engine';
import { engineForPlan } from '../../core/engines/planEngine';
import { planToJson, planToText } from '../../core/matrix/formatPlan';

const help = `multiarch plan [--config FILE] [--variant V]... [--platform P]... [--engine auto|buildx|podman|docker]
               [--output load|oci|push] [--json]

Prints the exact commands a build of the matrix would run, without running anything.
`;

export async function run(args: string[], io: CliIO): Promise<number> {
  const parsed = parseOrUsage('plan', help, io, () => parseArgs({
    args,
    options: {
      ...configOptions,
      variant: { type: 'string', multiple: true },
      platform: { type: 'string', multiple: true },
      engine: { type: 'string' },
      output: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  }));
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const config = await requireConfig(io, values.config);
  if (!config) return 2;
  const output = values.output;
  if (output !== undefined && !isOutputMode(output)) {
    io.err(`multiarch plan: --output must be load, oci or push (got "${output}")\n`);
    return 2;
  }
  const engine = await engineForPlan(engineOption(values.engine, io.env), { env: io.env });
  let plan;
  try {
    plan = buildPlan(config, {
      engine: engine.kind,
      variants: values.variant ?? [],
      platforms: values.platform ?? [],
      canLoadManifestList: engine.canLoadManifestList,
      ...(output ? { output } : {}),
    });
  } catch (err) {
    if (err instanceof PlanError) {
      io.err(`multiarch plan: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  io.out(values.json ? JSON.stringify(planToJson(plan, engine.reason), null, 2) + '\n' : planToText(plan, engine.reason));
  return 0;
}
