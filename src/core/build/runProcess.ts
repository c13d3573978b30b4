import { descendants, signal } from './processTree';

/**
 * Runs one build command: argv array (never a shell), streamed output, timeout, and cancellation that
 * takes the whole process tree down. The child leads its own process group (`detached`), and on
 * cancel the group and every descendant found by parent links are signalled: container runtimes put
 * RUN steps in sessions of their own, out of the group's reach.
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
  const kill = () => (killing ??= killTree(child.pid, exited, opts.killGraceMs ?? 3000));
  const onAbort = () => {
    cancelled = true;
    void kill();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    opts.timeoutMs !== undefined
      ? setTimeout(() => {
          timedOut = true;
          void kill();
        }, opts.timeoutMs)
      : undefined;

  const r = await child;
  if (timer) clearTimeout(timer);
  opts.signal?.removeEventListener('abort', onAbort);
  if (killing) await killing;
  else sweep(child.pid); // an engine that exited may still leave helpers behind
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

/**
 * SIGTERM to the group and every descendant (some live in sessions of their own), then SIGKILL to
 * whatever is left once the leader exits or the grace period ends.
 */
async function killTree(pid: number | undefined, exited: Promise<void>, graceMs: number): Promise<void> {
  if (pid === undefined) return;
  const known = new Set(descendants(pid));
  signal(-pid, 'SIGTERM');
  for (const p of known) signal(p, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
  clearTimeout(timer);
  sweep(pid, known);
}

/** SIGKILL to the group and to every process ever seen below the leader, until none is left. */
function sweep(pid: number | undefined, known = new Set<number>()): void {
  if (pid === undefined) return;
  for (const p of descendants(pid)) known.add(p);
  for (let i = 0; i < 10; i++) {
    // Children orphaned by the leader's exit are adopted by init, so their own children are looked up too.
    for (const p of [...known]) for (const d of descendants(p)) known.add(d);
    const alive = [...known].filter((p) => signal(p, 0));
    const group = signal(-pid, 0);
    if (!alive.length && !group) return;
    signal(-pid, 'SIGKILL');
    for (const p of alive) signal(p, 'SIGKILL');
    if (!alive.length) return; // only zombies of the group remain
  }
}
