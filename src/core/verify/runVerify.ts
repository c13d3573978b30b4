// Runs each built cell's checks for its platform: the machine it reports, and the project's own smoke checks.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { VerifyCheck } from '../config/types';
import { ARCHITECTURE_CHECK } from '../config/resolve';
import type { BuildRecord } from '../results/types';
import { latestSucceeded } from '../sizes/buildRecords';
import { runTool, type ToolRunner } from '../engines/exec';
import { judgeCheck } from './judgeCheck';
import { expectedMachines, hostArch, isNative, qemuName } from './machines';
import { runnableImage } from './runnableImage';
import type { CheckResult, VerifyResult } from './types';
import { containerName, DEFAULT_VERIFY_COMMAND, removeArgv, runArgv } from './verifyArgs';
import { messageOf } from '../errors';

export interface VerifyOptions {
  run?: ToolRunner;
  env?: Record<string, string | undefined>;
  /** Per-variant checks (ResolvedVariant.verifyChecks); default: the architecture check with `uname -m`. */
  checksFor?: (variant: string) => VerifyCheck[] | undefined;
  variants?: string[];
  /** Time limit of a check that sets none (config `timeout`); default 60 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Program per engine (e.g. /usr/bin/docker); default `docker` / `podman` on PATH. */
  programs?: Partial<Record<'docker' | 'podman', string>>;
  /** Whether a QEMU handler exists for a platform; default: reads /proc/sys/fs/binfmt_misc. */
  hasEmulator?: (platform: string) => Promise<boolean | undefined>;
  hostArch?: string;
  now?: () => Date;
}

export const DEFAULT_VERIFY_TIMEOUT_MS = 60_000;

/** true/false on Linux; undefined where binfmt_misc cannot be read (macOS, Windows: the engine's VM decides). */
export async function binfmtHandler(platform: string, dir = '/proc/sys/fs/binfmt_misc'): Promise<boolean | undefined> {
  const name = qemuName(platform);
  if (!name) return false;
  try {
    const text = await readFile(`${dir}/qemu-${name}`, 'utf8');
    return text.startsWith('enabled');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      // No handler file: emulation is missing unless binfmt_misc itself is not mounted/visible.
      const mounted = await readFile(`${dir}/status`, 'utf8').catch(() => undefined);
      return mounted === undefined ? undefined : false;
    }
    return undefined;
  }
}

export async function verifyCell(r: BuildRecord, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const now = opts.now ?? (() => new Date());
  const expected = expectedMachines(r.platform) ?? [];
  const base = { variant: r.variant, platform: r.platform, expected, ...(r.image ? { image: r.image } : {}) };
  const skip = (reason: string): VerifyResult => ({
    ...base,
    status: 'skipped',
    reason,
    checks: [],
    at: now().toISOString(),
  });
  if (!expected.length) return skip(`no known machine name for ${r.platform}`);
  if (!r.image)
    return skip(
      `the build produced no runnable image (output "${r.output}"): build with output "load" or "push" to verify`,
    );
  const native = isNative(r.platform, opts.hostArch ?? hostArch());
  if (!native) {
    const handler = await (opts.hasEmulator ?? binfmtHandler)(r.platform);
    if (handler === false) {
      const q = qemuName(r.platform) ?? r.platform;
      return skip(
        `no emulator for ${r.platform} on this host: install qemu-user-static and binfmt-support, then run "update-binfmts --enable qemu-${q}"`,
      );
    }
  }
  const checks = opts.checksFor?.(r.variant) ?? [{ name: ARCHITECTURE_CHECK, command: DEFAULT_VERIFY_COMMAND }];
  const podman = opts.programs?.podman ?? 'podman';
  const image = await runnableImage(r, r.image, {
    run: opts.run ?? runTool,
    podman,
    timeoutMs: 60_000,
    env: opts.env,
  });
  const results: CheckResult[] = [];
  for (const check of checks) {
    results.push(await runCheck({ r, image, expected }, check, opts));
  }
  const failed = results.find((c) => c.status === 'fail');
  const actual = results.find((c) => c.machine)?.machine;
  return {
    ...base,
    ...(actual ? { actual } : {}),
    status: failed ? 'fail' : 'pass',
    ...(failed ? { output: failed.output, reason: `${failed.name}: ${failed.reason ?? 'failed'}` } : {}),
    emulated: !native,
    checks: results,
    at: now().toISOString(),
  };
}

/** One check in a fresh, named container; removed by name when it outlives its time limit or is cancelled. */
async function runCheck(
  { r, image, expected }: { r: BuildRecord; image: string; expected: string[] },
  check: VerifyCheck,
  opts: VerifyOptions,
): Promise<CheckResult> {
  const engine = r.engine === 'podman' ? 'podman' : 'docker';
  const bin = opts.programs?.[engine];
  const run = opts.run ?? runTool;
  const timeoutS = check.timeout ?? (opts.timeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS) / 1000;
  const name = containerName(r.variant, r.platform, randomBytes(4).toString('hex'));
  const spec = {
    platform: r.platform,
    image,
    command: check.command,
    name,
    network: check.network,
  };
  const env = opts.env ? { env: opts.env } : {};
  let res: Awaited<ReturnType<ToolRunner>> | undefined;
  try {
    res = await run(runArgv(r.engine, spec, bin), {
      timeoutMs: timeoutS * 1000,
      ...env,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } finally {
    // Killing `run` leaves the container running (the daemon or conmon owns it); --rm only acts on a normal exit.
    if (!res || res.timedOut || opts.signal?.aborted)
      await run(removeArgv(r.engine, name, bin), { timeoutMs: 60_000, ...env }).catch(() => undefined);
  }
  if (opts.signal?.aborted) throw new Error('verification cancelled');
  // A missing engine is not a verdict on the image: the cell is skipped with the reason.
  if (res.spawnError) throw new Error(res.stderr);
  return judgeCheck(check, res, { expected, timeoutS });
}

/** Verifies the newest successful build of every cell, one at a time (emulated runs are CPU-heavy). */
export async function verifyBuilds(records: BuildRecord[], opts: VerifyOptions = {}): Promise<VerifyResult[]> {
  const wanted = opts.variants?.length ? new Set(opts.variants) : undefined;
  const out: VerifyResult[] = [];
  for (const r of latestSucceeded(records)) {
    if (wanted && !wanted.has(r.variant)) continue;
    if (opts.signal?.aborted) break;
    try {
      out.push(await verifyCell(r, opts));
    } catch (err) {
      // A cancelled cell keeps its previous result rather than recording a half-run one.
      if (opts.signal?.aborted) break;
      const message = messageOf(err);
      out.push({
        variant: r.variant,
        platform: r.platform,
        expected: expectedMachines(r.platform) ?? [],
        status: 'skipped',
        reason: message,
        at: new Date().toISOString(),
      });
    }
  }
  return out.sort((a, b) => a.variant.localeCompare(b.variant) || a.platform.localeCompare(b.platform));
}
