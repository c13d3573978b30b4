import { parseArgs } from 'node:util';
import { prepareBuild, PrepareError } from '../../core/build/prepare';
import { planToJson, planToText } from '../../core/matrix/formatPlan';
import { matrixChoice, matrixOptions, parseOrUsage, requireConfig, usage } from '../args';
import type { CliIO } from '../io';
import { formatProblems } from '../config';

const help = `multiarch plan [--config FILE] [--variant V]... [--platform P]... [--all] [--engine auto|buildx|podman|docker]
               [--output load|oci|push] [--json] [--allow-outside-project]

Prints the exact commands \`multiarch build\` (or Build All in the editor) would run with the same options,
without running anything. With buildx, the whole matrix is one \`docker buildx bake\`; pushing with an emulated
platform beside a native one, one build per variant and platform, each pushed by digest, then one index per variant.
  --all         every variant and platform (the default when no --variant/--platform is given)
  --allow-outside-project
                plan with a context or Dockerfile outside the config's folder and its repository
`;

export async function run(args: string[], io: CliIO): Promise<number> {
  const parsed = parseOrUsage({ name: 'plan', help, io }, () =>
    parseArgs({
      args,
      options: matrixOptions,
      strict: true,
    }),
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const config = await requireConfig(io, values.config);
  if (!config) return 2;
  const choice = matrixChoice(values, { verb: 'plans', env: io.env });
  if (typeof choice === 'string') return usage(io, 'plan', choice);
  let prepared;
  try {
    prepared = await prepareBuild(config, { mode: 'plan', ...choice });
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
