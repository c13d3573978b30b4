import { parseArgs } from 'node:util';
import { prepareBuild, PrepareError } from '../../core/build/prepare';
import { planToJson, planToText } from '../../core/matrix/formatPlan';
import { configOptions, isOutputMode, parseOrUsage, requireConfig } from '../args';
import { engineOption } from '../engine';
import type { CliIO } from '../io';
import { formatProblems } from '../config';

const help = `multiarch plan [--config FILE] [--variant V]... [--platform P]... [--all] [--engine auto|buildx|podman|docker]
               [--output load|oci|push] [--json] [--allow-outside-project]

Prints the exact commands \`multiarch build\` (or Build All in the editor) would run with the same options,
without running anything. With buildx, the whole matrix is one \`docker buildx bake\`.
  --all         every variant and platform (the default when no --variant/--platform is given)
  --allow-outside-project
                plan with a context or Dockerfile outside the config's folder and its repository
`;

export async function run(args: string[], io: CliIO): Promise<number> {
  const parsed = parseOrUsage({ name: 'plan', help, io }, () =>
    parseArgs({
      args,
      options: {
        ...configOptions,
        variant: { type: 'string', multiple: true },
        platform: { type: 'string', multiple: true },
        all: { type: 'boolean' },
        engine: { type: 'string' },
        output: { type: 'string' },
        json: { type: 'boolean' },
        'allow-outside-project': { type: 'boolean' },
      },
      strict: true,
    }),
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const config = await requireConfig(io, values.config);
  if (!config) return 2;
  const output = values.output;
  if (output !== undefined && !isOutputMode(output)) {
    io.err(`multiarch plan: --output must be load, oci or push (got "${output}")\n`);
    return 2;
  }
  if (values.all && (values.variant?.length || values.platform?.length)) {
    io.err('multiarch plan: --all plans everything; drop --variant/--platform\n');
    return 2;
  }
  let setting;
  try {
    setting = engineOption(values.engine, io.env);
  } catch (err) {
    io.err(`multiarch plan: ${(err as Error).message}\n`);
    return 2;
  }
  let prepared;
  try {
    prepared = await prepareBuild(config, {
      mode: 'plan',
      engine: setting,
      env: io.env,
      variants: values.variant ?? [],
      platforms: values.platform ?? [],
      ...(values['allow-outside-project'] ? { allowOutside: true } : {}),
      ...(output ? { output } : {}),
    });
  } catch (err) {
    if (!(err instanceof PrepareError)) throw err;
    io.err(err.problems.length ? formatProblems(err.problems) : `multiarch plan: ${err.message}\n`);
    return 2;
  }
  const { plan, engine } = prepared;
  io.out(
    values.json ? JSON.stringify(planToJson(plan, engine.reason), null, 2) + '\n' : planToText(plan, engine.reason),
  );
  return 0;
}
