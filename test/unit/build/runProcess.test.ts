import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { runProcess } from '../../../src/core/build/runProcess';

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !isZombie(pid);
function isZombie(pid: number): boolean {
  try {
    // A killed child whose parent is gone may linger as a zombie until init reaps it: it is not running.
    return /^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Resolves when `predicate(output)` holds, failing after `ms`. */
function waitForOutput(predicate: (out: string) => boolean, ms: number) {
  let out = '';
  let resolve!: () => void;
  const seen = new Promise<void>((r) => (resolve = r));
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`no matching output in ${ms} ms: ${out}`)), ms).unref(),
  );
  return {
    onOutput: (t: string) => {
      out += t;
      if (predicate(out)) resolve();
    },
    seen: Promise.race([seen, timeout]),
    get text() {
      return out;
    },
  };
}

/**
 * Runs `script`, waits until it prints the pids of the descendants it started (`printed` captures them), checks
 * they run, cancels the run and gives those pids with the run's result.
 */
async function cancelOnceStarted(script: string, printed: RegExp) {
  const ac = new AbortController();
  const w = waitForOutput((o) => printed.test(o), 10_000);
  const run = runProcess(['sh', '-c', script], {
    cwd: '/',
    env: process.env,
    signal: ac.signal,
    onOutput: w.onOutput,
    killGraceMs: 300,
  });
  await w.seen;
  const pids = printed.exec(w.text)!.slice(1).map(Number);
  assert.ok(pids.every(alive), 'the descendants should be running before cancel');
  ac.abort();
  return { pids, result: await run };
}

describe('runProcess', () => {
  it('streams output and reports the exit code; argv elements reach the program verbatim', async () => {
    const w = waitForOutput(() => false, 10_000);
    const hostile = `a$b; c "q" 'x' $(id)`;
    const r = await runProcess(['sh', '-c', 'printf "%s|" "$1"; echo err >&2; exit 7', 'sh', hostile], {
      cwd: '/',
      env: process.env,
      onOutput: w.onOutput,
    });
    assert.equal(r.exitCode, 7);
    assert.equal(r.cancelled, false);
    assert.ok(r.output.includes(`${hostile}|`), r.output);
    assert.ok(w.text.includes('err'));
  });

  it('cancellation kills the whole process tree, leaving no orphans', async function () {
    this.timeout(20_000);
    // The shell starts two grandchildren that ignore SIGTERM, prints their pids, then waits.
    const script = `trap "" TERM; (trap "" TERM; sleep 300) & a=$!; sleep 300 & b=$!; echo "pids $a $b"; wait`;
    const { pids, result } = await cancelOnceStarted(script, /pids (\d+) (\d+)/);
    assert.equal(result.cancelled, true);
    for (const pid of [...pids, result.pid!]) assert.equal(alive(pid), false, `process ${pid} survived cancellation`);
  });

  it('cancellation also reaches descendants in a session of their own (as container runtimes start them)', async function () {
    this.timeout(20_000);
    const { pids } = await cancelOnceStarted('setsid sleep 300 & echo "own $!"; wait', /own (\d+)/);
    for (const pid of pids) assert.equal(alive(pid), false, `setsid child ${pid} survived cancellation`);
  });

  it('a timeout kills the tree and says so', async () => {
    const w = waitForOutput((o) => /child \d+/.test(o), 10_000);
    const r = await runProcess(['sh', '-c', 'sleep 300 & echo "child $!"; wait'], {
      cwd: '/',
      env: process.env,
      timeoutMs: 300,
      onOutput: w.onOutput,
      killGraceMs: 200,
    });
    assert.equal(r.timedOut, true);
    assert.equal(r.cancelled, false);
    const child = Number(/child (\d+)/.exec(w.text)![1]);
    assert.equal(alive(child), false);
  });

  it('reports a program that does not exist instead of throwing', async () => {
    const r = await runProcess(['/nonexistent/podman', 'build'], { cwd: '/', env: process.env });
    assert.equal(r.spawnError, 'ENOENT');
    assert.equal(r.exitCode, undefined);
  });

  it('does not start when already cancelled', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await runProcess(['sh', '-c', 'echo started'], { cwd: '/', env: process.env, signal: ac.signal });
    assert.equal(r.cancelled, true);
    assert.equal(r.output, '');
  });
});
