import { runTool, type ToolResult } from '../engines/exec';

/**
 * Runs a short engine command outside the build's own process group and abort signal: the clean-up after
 * a cancel must still run once the build was cancelled. argv[0] is the resolved program.
 */
export type EngineQuery = (argv: string[]) => Promise<ToolResult>;

export function engineQuery(env: NodeJS.ProcessEnv, timeoutMs = 60_000): EngineQuery {
  return (argv) => runTool(argv, { env, timeoutMs });
}

/** Parses a JSON answer, or undefined when the command failed or printed something else. */
export function jsonOf(r: ToolResult): unknown {
  if (!r.ok) return undefined;
  try {
    return JSON.parse(r.stdout) as unknown;
  } catch {
    return undefined;
  }
}
