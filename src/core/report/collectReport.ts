// Gathers the report's inputs: recorded builds, their sizes, stored verifications, and this host.
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import { cellId } from '../jobs';
import type { BuildRecord } from '../results/types';
import { readBuildRecords } from '../sizes/buildRecords';
import { collectSizes, type CollectOptions } from '../sizes/collectSizes';
import { hostArch, isNative } from '../verify/machines';
import { binfmtHandler } from '../verify/runVerify';
import { readVerifyResults } from '../verify/verifyStore';
import type { Availability, HostInfo, ReportInput } from './types';

export async function hostInfo(): Promise<HostInfo> {
  const osRelease = await readFile('/etc/os-release', 'utf8').catch(() => '');
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1];
  return { os: os.type(), release: os.release(), arch: hostArch(), ...(pretty ? { distro: pretty } : {}) };
}

export async function availability(
  platform: string,
  hasEmulator: (p: string) => Promise<boolean | undefined> = binfmtHandler,
): Promise<Availability> {
  if (isNative(platform)) return 'native';
  const handler = await hasEmulator(platform);
  return handler === undefined ? 'unknown' : handler ? 'emulated' : 'unavailable';
}

export interface ReportOptions extends CollectOptions {
  /** Platforms of the config; defaults to those seen in the recorded builds. */
  platforms?: string[];
  builder?: string;
  variantArg?: string;
  now?: Date;
}

export async function collectReport(opts: ReportOptions): Promise<ReportInput> {
  const records = await readBuildRecords(opts.root);
  const [sizes, verify, host] = await Promise.all([
    collectSizes(records, opts),
    readVerifyResults(opts.root),
    hostInfo(),
  ]);
  const platforms = opts.platforms ?? [...new Set(records.map((r) => r.platform))].sort();
  const builder = opts.builder ?? buildersOf(records);
  return {
    generatedAt: opts.now ?? new Date(),
    host,
    records,
    sizes,
    verify,
    platforms: await Promise.all(
      platforms.map(async (platform) => ({ platform, availability: await availability(platform) })),
    ),
    builder,
    variantArg: opts.variantArg,
  };
}

/** The builders the cells' latest builds ran on (buildx records them), each once; undefined when none did. */
export function buildersOf(records: BuildRecord[]): string | undefined {
  const latest = new Map<string, BuildRecord>();
  for (const r of records) latest.set(cellId(r), r);
  const names = [...new Set([...latest.values()].flatMap((r) => (r.builder ? [r.builder] : [])))];
  return names.length ? names.join('; ') : undefined;
}
