// The one runner for short engine and inspection commands (argv arrays, never a shell string): version and
// info queries, image inspection, verify containers, clean-up. Long builds stream through build/runProcess.ts.

export interface ToolResult {
  /** The program ran and exited with 0 within its timeout. */
  ok: boolean;
  /** The exit code; -1 when there is none (not started, timed out, killed). */
  exitCode: number;
  stdout: string;
  /** The program's stderr, or, when it could not start, a sentence saying why. */
  stderr: string;
  timedOut: boolean;
  /** Set when the program could not be started at all: the error code (ENOENT…) or execa's message. */
  spawnError?: string;
}

export interface ToolOptions {
  /** Replaces the environment (not merged with process.env): engine settings such as DOCKER_HOST are passed once. */
  env?: NodeJS.ProcessEnv;
  /** Default 60 s; detection passes its own short timeouts so a hung daemon cannot stall it. */
  timeoutMs?: number;
  signal?: AbortSignal;
  cwd?: string;
  /** Written to the program's stdin (a credential helper reads the server from it); else stdin is closed. */
  input?: string;
}

/** Injected so callers can be tested without processes. */
export type ToolRunner = (argv: string[], opts?: ToolOptions) => Promise<ToolResult>;

export const DEFAULT_TOOL_TIMEOUT_MS = 60_000;

/**
 * Runs a command to completion. Never throws (an empty argv aside): every caller turns failures into a
 * message of its own, and a program that is missing must read as "not installed", not as a crash.
 */
export const runTool: ToolRunner = async (argv, opts = {}) => {
  const [file, ...args] = argv;
  if (!file) throw new Error('empty command');
  // execa is ESM-only and this package compiles to CommonJS, so it is loaded with a dynamic import.
  const { execa } = await import('execa');
  const r = await execa(file, args, {
    reject: false,
    env: opts.env,
    extendEnv: opts.env === undefined,
    timeout: opts.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
    // Short: detection must answer close to its timeout even when a daemon ignores SIGTERM.
    forceKillAfterDelay: 1000,
    ...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' as const }),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(opts.signal ? { cancelSignal: opts.signal } : {}),
  });
  const code = (r as { code?: string }).code;
  const notStarted = r.failed && r.exitCode === undefined && !r.timedOut && !r.isCanceled;
  const spawnError = notStarted ? (code ?? r.shortMessage) : undefined;
  const stderr = String(r.stderr ?? '');
  return {
    ok: !r.failed,
    exitCode: r.exitCode ?? -1,
    stdout: String(r.stdout ?? ''),
    stderr:
      notStarted && !stderr
        ? code === 'ENOENT'
          ? `${file} is not installed or not on PATH`
          : String(r.shortMessage)
        : stderr,
    timedOut: r.timedOut,
    ...(spawnError ? { spawnError } : {}),
  };
};

/** stdout of a successful run, or an error carrying the tool's own message. */
export async function toolOutput(run: ToolRunner, argv: string[], opts?: ToolOptions): Promise<string> {
  const r = await run(argv, opts);
  const what = argv.slice(0, 3).join(' ');
  if (r.spawnError) throw new Error(r.stderr);
  if (r.timedOut) throw new Error(`${what} timed out`);
  if (r.exitCode !== 0) {
    const msg = r.stderr.trim().split('\n').slice(-3).join(' ') || `exit code ${r.exitCode}`;
    throw new Error(`${what} failed: ${msg}`);
  }
  return r.stdout;
}
