// Runs an engine/inspection tool (argv array, never a shell) with a timeout and optional cancellation.

export interface ToolResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface ToolOptions {
  timeoutMs?: number;
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  cwd?: string;
}

/** Injected so callers can be tested without processes, and so engine env (DOCKER_HOST, …) is passed once. */
export type ToolRunner = (argv: string[], opts?: ToolOptions) => Promise<ToolResult>;

export const DEFAULT_TIMEOUT_MS = 60_000;

/** Never throws for a non-zero exit or timeout; throws only when the program cannot be started. */
export const runTool: ToolRunner = async (argv, opts = {}) => {
  const [file, ...args] = argv;
  if (!file) throw new Error('empty command');
  // execa is ESM-only; this package compiles to CommonJS, so it is loaded with a dynamic import.
  const { execa } = await import('execa');
  const r = await execa(file, args, {
    reject: false,
    timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    forceKillAfterDelay: 2_000,
    stdin: 'ignore',
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(opts.signal ? { cancelSignal: opts.signal } : {}),
  });
  if (r.failed && r.exitCode === undefined && !r.timedOut && !r.isCanceled) {
    const code = (r as { code?: string }).code;
    throw new Error(code === 'ENOENT' ? `${file} is not installed or not on PATH` : r.shortMessage);
  }
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), timedOut: r.timedOut };
};

/** stdout of a successful run, or an error carrying the tool's own message. */
export async function toolOutput(run: ToolRunner, argv: string[], opts?: ToolOptions): Promise<string> {
  const r = await run(argv, opts);
  if (r.timedOut) throw new Error(`${argv.slice(0, 3).join(' ')} timed out`);
  if (r.exitCode !== 0) {
    const msg = r.stderr.trim().split('\n').slice(-3).join(' ') || `exit code ${r.exitCode}`;
    throw new Error(`${argv.slice(0, 3).join(' ')} failed: ${msg}`);
  }
  return r.stdout;
}
