/**
 * Runs one build command: argv array (never a shell), streamed output, timeout, and cancellation that
 * takes the whole process tree down. The child leads its own process group (`detached`), so one
 * `kill(-pid)` reaches everything it started: the engine CLI, its helpers and any shell they ran.
 */
export interface ProcessOptions {
  cwd: string;
  /** Full environment for the child. */
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
  signal?: AbortSignal;
  onOutput?: (text: string) => void;
  /** Time between SIGTERM and SIGKILL for the group. */
  killGraceMs?: number;
  /** How much of the output to keep for error parsing (the tail). */
  keepBytes?: number;
}

export interface ProcessResult {
  exitCode?: number;
  signal?: string;
  timedOut: boolean;
  cancelled: boolean;
  spawnError?: string;
  /** The last `keepBytes` of stdout+stderr, interleaved as received. */
  output: string;
  pid?: number;
}

export async function runProcess(argv: string[], opts: ProcessOptions): Promise<ProcessResult> {
  const [file, ...args] = argv;
  // execa is ESM-only and this package compiles to CommonJS, so it is loaded with a dynamic import.
  const { execa } = await import('execa');
  const keep = opts.keepBytes ?? 256 * 1024;
  let output = '';
  const append = (chunk: Buffer | string) => {
    const text = chunk.toString();
    opts.onOutput?.(text);
    output += text;
    if (output.length > keep * 2) output = output.slice(-keep);
  };

  if (opts.signal?.aborted) return { timedOut: false, cancelled: true, output: '' };
  const child = execa(file!, args, {
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: false,
    detached: true,
    stdin: 'ignore',
    buffer: false,
    reject: false,
  });
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);

  let timedOut = false;
  let cancelled = false;
  let killing: Promise<void> | undefined;
  const exited = child.then(() => undefined);
  const killTree = () => (killing ??= killGroup(child.pid, exited, opts.killGraceMs ?? 3000));
  const onAbort = () => {
    cancelled = true;
    void killTree();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    opts.timeoutMs !== undefined
      ? setTimeout(() => {
          timedOut = true;
          void killTree();
        }, opts.timeoutMs)
      : undefined;

  const r = await child;
  if (timer) clearTimeout(timer);
  opts.signal?.removeEventListener('abort', onAbort);
  if (killing) await killing;
  else sweepGroup(child.pid); // an engine that exited may still leave helpers in its group
  const code = (r as { code?: string }).code;
  const notStarted = r.exitCode === undefined && !r.signal && !cancelled && !timedOut;
  return {
    ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}),
    ...(r.signal ? { signal: r.signal } : {}),
    timedOut,
    cancelled: cancelled && !timedOut,
    ...(notStarted ? { spawnError: code ?? r.shortMessage } : {}),
    output: output.slice(-keep),
    ...(child.pid !== undefined ? { pid: child.pid } : {}),
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is empty
  }
}

/** SIGTERM to the group, SIGKILL to whatever is left after the grace period or once the leader exits. */
async function killGroup(pid: number | undefined, exited: Promise<void>, graceMs: number): Promise<void> {
  if (pid === undefined) return;
  if (!signalGroup(pid, 'SIGTERM')) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
  clearTimeout(timer);
  // Children that ignore SIGTERM, or were still shutting down when the leader exited, die here.
  for (let i = 0; i < 10 && signalGroup(pid, 0); i++) {
    signalGroup(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function sweepGroup(pid: number | undefined): void {
  if (pid !== undefined && signalGroup(pid, 0)) signalGroup(pid, 'SIGKILL');
}
