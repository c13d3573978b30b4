// `multiarch verify --static`: each built cell's image read without starting a container — its OCI archive,
// its registry's blobs, or `docker save` / `podman save` streamed from the local store (core/layers) — and
// every ELF file compared with the platform.
import { cellImageReader } from '../../layers/cellImage';
import { flattenLayers } from '../../layers/flatten';
import type { ImageFs } from '../../layers/imageArchive';
import type { BuildRecord } from '../../results/types';
import { latestSucceeded } from '../../sizes/buildRecords';
import type { CollectOptions } from '../../sizes/collectSizes';
import { checkTree, type Mismatch, type TreeCheck } from './checkTree';
import type { StaticSummary, VerifyResult } from '../types';
import { HEADER_BYTES, platformElf } from './elf';
import { messageOf } from '../../errors';

export interface StaticCell {
  variant: string;
  platform: string;
  status: 'pass' | 'fail' | 'skipped';
  /** ELF files compared with the platform. */
  checked: number;
  mismatches: Mismatch[];
  entrypoint?: TreeCheck['entrypoint'];
  /** Where the layers were read from. */
  source?: 'oci-archive' | 'local' | 'registry';
  /** Why the cell was skipped or what besides mismatches failed it. */
  reason?: string;
}

export type StaticOptions = CollectOptions;

export async function staticVerify(records: BuildRecord[], opts: StaticOptions): Promise<StaticCell[]> {
  const wanted = opts.variants?.length ? new Set(opts.variants) : undefined;
  const imageOf = cellImageReader({ ...opts, headBytes: HEADER_BYTES });
  const out: StaticCell[] = [];
  // One platform at a time: each streams a whole image.
  for (const r of latestSucceeded(records)) {
    if (wanted && !wanted.has(r.variant)) continue;
    const base = { variant: r.variant, platform: r.platform, checked: 0, mismatches: [] };
    if (!platformElf(r.platform)) {
      out.push({ ...base, status: 'skipped', reason: `no ELF machine is known for ${r.platform}` });
      continue;
    }
    const source: StaticCell['source'] = r.ociPath ? 'oci-archive' : r.output === 'push' ? 'registry' : 'local';
    let image: ImageFs;
    try {
      image = await imageOf(r);
    } catch (err) {
      out.push({ ...base, status: 'skipped', source, reason: messageOf(err) });
      continue;
    }
    const check = checkTree(
      { fs: flattenLayers(image.layers.map((l) => l.entries)), ...(image.run ? { run: image.run } : {}) },
      r.platform,
    );
    const problem = check.entrypoint?.problem;
    const failed = check.mismatches.length > 0 || problem !== undefined;
    out.push({
      ...base,
      ...check,
      status: failed ? 'fail' : 'pass',
      source,
      ...(problem ? { reason: `entrypoint: ${problem}` } : {}),
    });
  }
  return out.sort((a, b) => a.variant.localeCompare(b.variant) || a.platform.localeCompare(b.platform));
}

/** "linux/arm64 image contains /usr/local/bin/tool built for x86-64" per mismatch. */
export function mismatchLines(c: StaticCell): string[] {
  return c.mismatches.map((m) => `${c.platform} image contains ${m.path} built for ${m.machine}`);
}

/**
 * Verify Architectures' first pass joined to the runtime results: each cell carries its static summary, and
 * a foreign binary fails the cell even when the runtime checks passed (under QEMU an amd64 binary runs).
 */
export function withStatic(results: VerifyResult[], cells: StaticCell[]): VerifyResult[] {
  const byCell = new Map(cells.map((c) => [`${c.variant}@${c.platform}`, c]));
  return results.map((r) => {
    const c = byCell.get(`${r.variant}@${r.platform}`);
    if (!c) return r;
    const mismatches = mismatchLines(c)
      .slice(0, 5)
      .map((l) => l.slice(l.indexOf(' contains ') + ' contains '.length));
    const summary: StaticSummary = {
      status: c.status,
      checked: c.checked,
      mismatches,
      ...(c.reason ? { reason: c.reason } : {}),
    };
    if (c.status !== 'fail' || r.status === 'fail') return { ...r, static: summary };
    return {
      ...r,
      static: summary,
      status: 'fail',
      reason: `static: ${mismatchLines(c)[0] ?? c.reason ?? 'mismatch'}`,
    };
  });
}
