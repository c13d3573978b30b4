import type { ResolvedConfig } from '../core/config/types';
import { formatProblems, loadCliConfig } from './config';
import type { CliIO } from './io';
import type { OutputMode } from '../core/jobs';
import type { PrepareOptions } from '../core/build/prepare';
import type { EngineSetting } from '../core/engines/detect';
import { messageOf } from '../core/errors';
import { resultsPath } from '../core/state';
import { engineOption } from './engine';

/**
 * Runs a command's `parseArgs` call: a bad flag prints the message and the command's help (exit 2),
 * `--help` prints the help (exit 0); otherwise the parsed result comes back.
 */
export function parseOrUsage<T extends { values: { help?: boolean | undefined } }>(
  { name, help, io }: { name: string; help: string; io: CliIO },
  parse: () => T,
): T | number {
  let parsed: T;
  try {
    parsed = parse();
  } catch (err) {
    io.err(`multiarch ${name}: ${messageOf(err)}\n\n${help}`);
    return 2;
  }
  if (parsed.values.help) {
    io.out(help);
    return 0;
  }
  return parsed;
}

/** The command's config, or undefined after printing its located problems (the caller exits 2). */
export async function requireConfig(io: CliIO, file: string | undefined): Promise<ResolvedConfig | undefined> {
  const loaded = await loadCliConfig(io, file);
  if (loaded.ok) {
    for (const w of loaded.config.warnings ?? []) io.err(`multiarch: warning: ${w}\n`);
    return loaded.config;
  }
  io.err(formatProblems(loaded.problems));
  return undefined;
}

/** Options every command that reads a config accepts. */
export const configOptions = {
  config: { type: 'string', short: 'c' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function isOutputMode(v: string | undefined): v is OutputMode {
  return v === 'load' || v === 'oci' || v === 'push';
}

/** The flags of the commands that choose cells of the matrix and an engine, as `build` and `plan` share them. */
export const matrixOptions = {
  ...configOptions,
  variant: { type: 'string', multiple: true },
  platform: { type: 'string', multiple: true },
  all: { type: 'boolean' },
  engine: { type: 'string' },
  output: { type: 'string' },
  json: { type: 'boolean' },
  'allow-outside-project': { type: 'boolean' },
} as const;

interface MatrixValues {
  variant?: string[] | undefined;
  platform?: string[] | undefined;
  all?: boolean | undefined;
  engine?: string | undefined;
  output?: string | undefined;
  'allow-outside-project'?: boolean | undefined;
}

/**
 * What the matrix flags ask `prepareBuild` for, or the usage message when they contradict each other.
 * `verb` finishes "--all … everything" (`builds`, `plans`).
 */
export function matrixChoice(
  values: MatrixValues,
  { verb, env }: { verb: string; env: NodeJS.ProcessEnv },
): Omit<PrepareOptions, 'mode'> | string {
  const { output } = values;
  if (output !== undefined && !isOutputMode(output)) return `--output must be load, oci or push (got "${output}")`;
  if (values.all && (values.variant?.length || values.platform?.length))
    return `--all ${verb} everything; drop --variant/--platform`;
  let engine: EngineSetting;
  try {
    engine = engineOption(values.engine, env);
  } catch (err) {
    return messageOf(err);
  }
  return {
    engine,
    env,
    variants: values.variant ?? [],
    platforms: values.platform ?? [],
    allowOutside: values['allow-outside-project'],
    output,
  };
}

/** Prints `multiarch <name>: <message>` and gives the usage exit code. */
export function usage(io: CliIO, name: string, message: string): 2 {
  io.err(`multiarch ${name}: ${message}\n`);
  return 2;
}

/** The flags of the commands that read the recorded builds of chosen variants (sizes, timings). */
export const recordedOptions = {
  ...configOptions,
  variant: { type: 'string', multiple: true },
  json: { type: 'boolean' },
} as const;

/**
 * The front of a command that reads the recorded builds of chosen variants: its flags (`parseOrUsage`), the
 * config, and `--variant` names the config does not have refused (exit 2); a number is the exit code to return.
 */
export async function readCommandFront<
  T extends { values: { help?: boolean | undefined; config?: string | undefined; variant?: string[] | undefined } },
>(
  command: { name: string; help: string; io: CliIO },
  parse: () => T,
): Promise<{ values: T['values']; config: ResolvedConfig } | number> {
  const parsed = parseOrUsage(command, parse);
  if (typeof parsed === 'number') return parsed;
  const config = await requireConfig(command.io, parsed.values.config);
  if (!config) return 2;
  const unknown = unknownVariants(config, parsed.values.variant);
  if (unknown) return usage(command.io, command.name, unknown);
  return { values: parsed.values, config };
}

/** The message refusing `--variant` names the config does not have, naming those it has; undefined when all are known. */
function unknownVariants(config: ResolvedConfig, chosen: string[] | undefined): string | undefined {
  const unknown = (chosen ?? []).filter((v) => !config.variants.some((c) => c.name === v));
  if (!unknown.length) return undefined;
  return `unknown variant ${unknown.map((v) => `"${v}"`).join(', ')} (variants: ${config.variants.map((v) => v.name).join(', ')})`;
}

/**
 * Prints what a command read from the recorded builds: `data` as JSON with --json; otherwise `text`, or, when
 * there is none (nothing recorded), that a build has to run first.
 */
export function printRecorded(
  io: CliIO,
  {
    json,
    data,
    text,
    root,
    kind = 'successful',
  }: { json: boolean | undefined; data: unknown; text: string | undefined; root: string; kind?: string },
): void {
  if (json) io.out(`${JSON.stringify(data, null, 2)}\n`);
  else io.out(text ?? `No ${kind} build recorded in ${resultsPath(root)}: run "multiarch build" first.\n`);
}
