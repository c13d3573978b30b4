import type { ResolvedConfig } from '../core/config/types';
import { formatProblems, loadCliConfig } from './config';
import type { CliIO } from './io';
import type { OutputMode } from '../core/jobs';

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
    io.err(`multiarch ${name}: ${(err as Error).message}\n\n${help}`);
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
