import type { CliCommand, CliIO } from '../../../src/cli/io';

/** A CLI's io that keeps what the command printed: `stdout` and `stderr` grow with each write. */
export function capturingIO(cwd: string, env: NodeJS.ProcessEnv = {}): CliIO & { stdout: string; stderr: string } {
  const io = {
    cwd,
    env,
    stdout: '',
    stderr: '',
    out: (t: string) => void (io.stdout += t),
    err: (t: string) => void (io.stderr += t),
  };
  return io;
}

/** Runs a CLI command as `multiarch` would in `cwd`: its exit code and what it printed. */
export async function runCli(
  command: CliCommand,
  { args, cwd, env }: { args: string[]; cwd: string; env?: NodeJS.ProcessEnv },
): Promise<{ code: number; out: string; err: string }> {
  const io = capturingIO(cwd, env);
  const code = await command(args, io);
  return { code, out: io.stdout, err: io.stderr };
}
