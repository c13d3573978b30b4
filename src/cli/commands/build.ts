import { parseArgs } from 'node:util';
import { BuildRunner, BusyError } from '../../core/build/runner';
import { DEFAULT_CONCURRENCY } from '../../core/build/runnerTypes';
import { failedPlatforms, failureLines, summaryTable } from '../../core/build/summary';
import { prepareBuild, PrepareError } from '../../core/build/prepare';
import { ResultsStore } from '../../core/results/store';
import { matrixChoice, matrixOptions, parseOrUsage, requireConfig, usage } from '../args';
import { CANCELLED, cancelOnSignal, unlessCancelled } from '../cancel';
import type { CliIO } from '../io';
import { messageOf } from '../../core/errors';
import { formatProblems } from '../config';

const help = `multiarch build [--variant V]... [--platform P]... [--all] [--push] [--output load|oci|push]
                [--engine auto|buildx|podman|docker] [--json] [--keep-going] [--jobs N] [--config FILE]
                [--allow-outside-project] [--rebuild]

Builds the matrix (or the chosen variants/platforms), streaming the engine's output, and records each
cell's result in .multiarch/results.json. Stops at the first failure unless --keep-going.
  --all         every variant and platform (the default when no --variant/--platform is given)
  --push        same as --output push (to the config's registry)
  --jobs N      builds running at once on each machine: here and each build node (default ${DEFAULT_CONCURRENCY},
                as the editor's multiarch.maxParallelJobs; without --jobs the run's last build starts beside them)
  --json        print the results as JSON on stdout (engine output goes to stderr)
  --rebuild     build every job, also those up to date (podman or dockerd, images kept locally: a job whose inputs
                are unchanged since its last build, and whose images are still in the store, is otherwise
                not built again and keeps that build's results; the editor's multiarch.skipUpToDate; podman builds
                such a job again as one build for all its platforms, every step from the cache)
  --allow-outside-project
                build with a context or Dockerfile outside the config's folder and its repository
                (refused otherwise: the Dockerfile could copy any file from there into the image)
Environment: MULTIARCH_ENGINE, MULTIARCH_DOCKER / MULTIARCH_PODMAN (program paths).
Exit status: 0 all succeeded; 1 a build failed, was cancelled (Ctrl+C at any point) or its cells are being built
by another process; 2 bad usage or config; 3 no usable engine.
`;

export async function run(args: string[], io: CliIO): Promise<number> {
  const cancel = cancelOnSignal(io, 'build');
  try {
    return await build(args, io, cancel.signal);
  } finally {
    cancel.dispose();
  }
}

async function build(args: string[], io: CliIO, signal: AbortSignal): Promise<number> {
  const cancelled = () => {
    io.err('multiarch build: cancelled before any build started\n');
    return 1;
  };
  const parsed = parseOrUsage({ name: 'build', help, io }, () =>
    parseArgs({
      args,
      options: {
        ...matrixOptions,
        push: { type: 'boolean' },
        'keep-going': { type: 'boolean' },
        jobs: { type: 'string' },
        rebuild: { type: 'boolean' },
      },
      strict: true,
    }),
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  if (values.push && values.output && values.output !== 'push')
    return usage(io, 'build', '--push contradicts --output ' + values.output);
  const choice = matrixChoice(
    { ...values, output: values.push ? 'push' : values.output },
    { verb: 'builds', env: io.env },
  );
  if (typeof choice === 'string') return usage(io, 'build', choice);
  const jobs = values.jobs === undefined ? DEFAULT_CONCURRENCY : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1)
    return usage(io, 'build', `--jobs must be a whole number of at least 1 (got "${values.jobs}")`);

  const config = await unlessCancelled(requireConfig(io, values.config), signal);
  if (config === CANCELLED) return cancelled();
  if (!config) return 2;
  const log = (text: string) => (values.json ? io.err(text) : io.out(text));
  let prepared;
  try {
    prepared = await unlessCancelled(prepareBuild(config, { mode: 'build', ...choice }), signal);
  } catch (err) {
    if (!(err instanceof PrepareError)) throw err;
    io.err(err.problems.length ? formatProblems(err.problems) : `multiarch build: ${err.message}\n`);
    return err.kind === 'usage' ? 2 : 3;
  }
  if (prepared === CANCELLED) return cancelled();
  const { engine, plan, programs, builder } = prepared;
  log(`engine: ${engine.kind}${engine.version ? ` ${engine.version}` : ''} (${engine.reason})\n`);

  // Without --jobs, the runner's default: DEFAULT_CONCURRENCY, the run's last build beside the others.
  const runner = new BuildRunner({
    programs,
    env: io.env,
    ...(values.jobs === undefined ? {} : { concurrency: jobs }),
  });
  let summary;
  try {
    summary = await runner.run(plan, {
      signal,
      config,
      keepGoing: values['keep-going'],
      rebuild: values.rebuild,
      engineVersion: engine.version,
      builder,
      onCommand: (job, argv) => log(`[${job.id}] $ ${argv.join(' ')}\n`),
      onOutput: (_job, text) => log(text),
    });
  } catch (err) {
    if (err instanceof BusyError) {
      io.err(`multiarch build: ${err.message}; wait for it to finish or cancel it, then build again\n`);
      return 1;
    }
    throw err;
  }
  let notSaved: string | undefined;
  try {
    await ResultsStore.forRoot(config.root).append(summary.records, (m) => io.err(`multiarch build: warning: ${m}\n`));
  } catch (err) {
    // The build ran (and may have moved tags): still show what happened, then say the record is missing.
    notSaved = `multiarch build: the results were not recorded: ${messageOf(err)}\n`;
  }

  if (values.json) {
    io.out(
      JSON.stringify(
        {
          ok: summary.ok,
          engine,
          records: summary.records,
          upToDate: summary.upToDate,
          problems: summary.outcomes.flatMap((o) =>
            o.problem ? [{ job: o.job.id, platforms: failedPlatforms(o), ...o.problem }] : [],
          ),
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    io.out(`\n${summaryTable(summary.records, summary.upToDate)}`);
    io.err(failureLines(summary));
  }
  if (notSaved) io.err(notSaved);
  return summary.ok && !notSaved ? 0 : 1;
}
