// Runs each built cell for its platform and compares the machine it reports with the expected one.
import { readFile } from 'node:fs/promises';
import type { BuildRecord } from '../results/types';
import { latestSucceeded } from '../sizes/buildRecords';
import { runTool, type ToolRunner } from '../sizes/runTool';
import { actualMachine, expectedMachines, hostArch, isNative, qemuName } from './machines';
import type { VerifyResult } from './types';
import { DEFAULT_VERIFY_COMMAND, runArgv } from './verifyArgs';

export interface VerifyOptions {
  run?: ToolRunner;
  env?: Record<string, string | undefined>;
  /** Per-variant command (config `verify.command`); default `uname -m`. */
  commandFor?: (variant: string) => string[] | undefined;
  variants?: string[];
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Program per engine (e.g. /usr/bin/docker); default `docker` / `podman` on PATH. */
  programs?: Partial<Record<'docker' | 'podman', string>>;
  /** Whether a QEMU handler exists for a platform; default: reads /proc/sys/fs/binfmt_misc. */
  hasEmulator?: (platform: string) => Promise<boolean | undefined>;
  hostArch?: string;
  now?: () => Date;
}

export const DEFAULT_VERIFY_TIMEOUT_MS = 120_000;

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
  const skip = (reason: string): VerifyResult => ({ ...base, status: 'skipped', reason, at: now().toISOString() });
  if (!expected.length) return skip(`no known machine name for ${r.platform}`);
  if (!r.image) return skip(`the build produced no runnable image (output "${r.output}"): build with output "load" or "push" to verify`);
  const native = isNative(r.platform, opts.hostArch ?? hostArch());
  if (!native) {
    const handler = await (opts.hasEmulator ?? binfmtHandler)(r.platform);
    if (handler === false) {
      const q = qemuName(r.platform) ?? r.platform;
      return skip(`no emulator for ${r.platform} on this host: install qemu-user-static and binfmt-support, then run "update-binfmts --enable qemu-${q}"`);
    }
  }
  const engine = r.engine === 'podman' ? 'podman' : 'docker';
  const command = opts.commandFor?.(r.variant) ?? DEFAULT_VERIFY_COMMAND;
  const argv = runArgv(r.engine, r.platform, r.image, command, opts.programs?.[engine]);
  const res = await (opts.run ?? runTool)(argv, {
    timeoutMs: opts.timeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS,
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const at = now().toISOString();
  const output = [res.stdout.trim(), res.stderr.trim()].filter(Boolean).join('\n');
  const emulated = !native;
  if (res.timedOut) return { ...base, status: 'fail', output, reason: `timed out running ${command.join(' ')}`, emulated, at };
  if (res.exitCode !== 0) return { ...base, status: 'fail', output, reason: `${argv[0]} run exited with code ${res.exitCode}`, emulated, at };
  const actual = actualMachine(res.stdout);
  const ok = expected.includes(actual);
  return {
    ...base,
    actual,
    status: ok ? 'pass' : 'fail',
    ...(ok ? {} : { output, reason: `expected ${expected.join(' or ')}, the image reported ${actual || 'nothing'}` }),
    emulated,
    at,
  };
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
      const message = err instanceof Error ? err.message : String(err);
      out.push({ variant: r.variant, platform: r.platform, expected: expectedMachines(r.platform) ?? [], status: 'skipped', reason: message, at: new Date().toISOString() });
    }
  }
  return out.sort((a, b) => a.variant.localeCompare(b.variant) || a.platform.localeCompare(b.platform));
}
