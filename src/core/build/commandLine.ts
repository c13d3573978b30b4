/** What the kernel counts against the argument limit for an argv: each argument plus its terminating NUL. */
export function argvBytes(argv: string[]): number {
  return argv.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0);
}

/**
 * An argv for a log line: an argument longer than `max` characters shows its start and its size, so a
 * megabyte build arg is not echoed whole into the terminal and the log.
 */
export function abbreviateArgv(argv: string[], max = 200): string[] {
  return argv.map((a) => (a.length > max ? `${a.slice(0, max)}…(${Buffer.byteLength(a)} bytes)` : a));
}

/** Why a command could not start, said so the user knows what to change. */
export function spawnFailure(argv: string[], spawnError: string): string {
  // Linux refuses one argument over 128 KiB, or all of them over the ARG_MAX budget, with E2BIG.
  if (spawnError === 'E2BIG') return `the command line is too long (${argvBytes(argv)} bytes): move large build args into a file`;
  return `${argv[0]} could not start (${spawnError}); is it installed?`;
}
