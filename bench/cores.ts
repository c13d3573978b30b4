/**
 * What `cores` CPU-bound processes at once get done on this machine, against one alone: the work term of the
 * lower bound assumes `cores` times one process's work per second, and a virtual machine's cores do not
 * always give it (a host's other guests share them). Printed at the start and end of bench/build-all.ts.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

/** A fixed amount of arithmetic, timed inside the child (its start-up not counted). */
const SPIN = 'let x=0;const t=performance.now();for(let i=0;i<1.2e9;i++)x+=i%7;console.log(performance.now()-t)';

async function spin(): Promise<number> {
  const { stdout } = await execFileP(process.execPath, ['-e', SPIN]);
  return Number(stdout.trim());
}

/** One spin alone, then `cores` at once: their throughput in processes' worth (cores on an ideal machine). */
export async function parallelThroughput(
  cores: number,
): Promise<{ aloneMs: number; eachMs: number[]; throughput: number }> {
  const aloneMs = await spin();
  const eachMs = await Promise.all(Array.from({ length: cores }, spin));
  const throughput = eachMs.reduce((sum, ms) => sum + aloneMs / ms, 0);
  return { aloneMs, eachMs, throughput };
}

export async function describeThroughput(cores: number): Promise<string> {
  const t = await parallelThroughput(cores);
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  return `one CPU-bound process ${s(t.aloneMs)} alone, ${cores} at once ${t.eachMs.map(s).join(' / ')}: ${t.throughput.toFixed(2)} processes' worth of ${cores}`;
}
