import type { ToolResult } from '../../../src/core/engines/exec';

/** A runner's answer as a fake engine gives it; `ok` follows from the exit code like the real runner's. */
export function toolResult(r: Omit<ToolResult, 'ok'>): ToolResult {
  return { ok: r.exitCode === 0 && !r.timedOut, ...r };
}
