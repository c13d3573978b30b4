export interface ToolResult {
  ok: boolean;
  exitCode?: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the program could not be started at all (ENOENT and friends). */
  spawnError?: string;
}

export interface ToolOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Runs a short query command (`podman version`, `docker info`…) to completion. Never throws: detection
 * must turn every failure into a message, and it must answer within its timeout even if a daemon hangs.
 */
export async function runTool(argv: string[], opts: ToolOptions = {}): Promise<ToolResult> {
  const [file, ...args] = argv;
  // execa is ESM-only and this package compiles to CommonJS, so it is loaded with a dynamic import.
  const { execa } = await import('execa');
  const r = await execa(file!, args, {
    reject: false,
    env: opts.env,
    extendEnv: opts.env === undefined,
    timeout: opts.timeoutMs ?? 5000,
    forceKillAfterDelay: 500,
    stdin: 'ignore',
    ...(opts.signal ? { cancelSignal: opts.signal } : {}),
  });
  const code = (r as { code?: string }).code;
  const spawnError = r.failed && r.exitCode === undefined && !r.timedOut && !r.isCanceled ? (code ?? r.shortMessage) : undefined;
  return {
    ok: !r.failed,
    ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}),
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? ''),
    timedOut: r.timedOut,
    ...(spawnError ? { spawnError } : {}),
  };
}
