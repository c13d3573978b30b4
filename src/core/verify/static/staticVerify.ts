// `multiarch verify --static`: each built cell's image read without starting a container — from its OCI
// archive, or streamed out of the engine's local store (docker save / podman save) — and every ELF file
// compared with the platform.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { BuildRecord } from '../../results/types';
import { latestSucceeded } from '../../sizes/buildRecords';
import { runTool } from '../../sizes/runTool';
import { runnableImage } from '../runnableImage';
import { checkTree, type Mismatch, type TreeCheck } from './checkTree';
import { platformElf } from './elf';
import { readImageArchive, type ImageTree } from './imageArchive';

export interface StaticCell {
  variant: string;
  platform: string;
  status: 'pass' | 'fail' | 'skipped';
  /** ELF files compared with the platform. */
  checked: number;
  mismatches: Mismatch[];
  entrypoint?: TreeCheck['entrypoint'];
  /** Where the layers were read from. */
  source?: 'oci-archive' | 'local';
  /** Why the cell was skipped or what besides mismatches failed it. */
  reason?: string;
}

export interface StaticOptions {
  variants?: string[];
  env?: Record<string, string | undefined>;
  programs?: Partial<Record<'docker' | 'podman', string>>;
}

/** Streams `argv`'s stdout through the archive reader; the tool's own error wins over a truncated archive. */
async function fromProcess(argv: string[], env: Record<string, string | undefined> | undefined): Promise<ImageTree[]> {
  const { execa } = await import('execa');
  const sub = execa(argv[0]!, argv.slice(1), { buffer: { stdout: false, stderr: true }, stdin: 'ignore', reject: false, ...(env ? { env } : {}) });
  try {
    const trees = await readImageArchive(sub.stdout as Readable);
    const done = await sub;
    if (done.exitCode !== 0) throw new Error(String(done.stderr).trim() || `exit code ${done.exitCode}`);
    return trees;
  } catch (err) {
    sub.kill();
    const done = await sub;
    const stderr = String(done.stderr ?? '').trim();
    throw new Error(`${argv.slice(0, 2).join(' ')} failed: ${stderr || (err instanceof Error ? err.message : String(err))}`);
  }
}

function pick(trees: ImageTree[], platform: string): ImageTree | undefined {
  return trees.find((t) => t.platform === platform) ?? trees.find((t) => t.platform.startsWith(`${platform}/`) || platform.startsWith(`${t.platform}/`));
}

export async function staticVerify(records: BuildRecord[], opts: StaticOptions = {}): Promise<StaticCell[]> {
  const wanted = opts.variants?.length ? new Set(opts.variants) : undefined;
  // One OCI archive holds every platform of a variant: read it once.
  const archives = new Map<string, Promise<ImageTree[]>>();
  const out: StaticCell[] = [];
  for (const r of latestSucceeded(records)) {
    if (wanted && !wanted.has(r.variant)) continue;
    const base = { variant: r.variant, platform: r.platform, checked: 0, mismatches: [] };
    if (!platformElf(r.platform)) {
      out.push({ ...base, status: 'skipped', reason: `no ELF machine is known for ${r.platform}` });
      continue;
    }
    let trees: ImageTree[];
    let source: StaticCell['source'];
    try {
      if (r.ociPath) {
        source = 'oci-archive';
        let pending = archives.get(r.ociPath);
        if (!pending) archives.set(r.ociPath, (pending = readImageArchive(createReadStream(r.ociPath))));
        trees = await pending;
      } else if (r.image) {
        source = 'local';
        const engine = r.engine === 'podman' ? 'podman' : 'docker';
        const bin = opts.programs?.[engine] ?? engine;
        const envOpt = opts.env ? { env: opts.env } : {};
        const ref = await runnableImage(r, r.image, runTool, bin, { timeoutMs: 60_000, ...envOpt });
        trees = await fromProcess(engine === 'podman' ? [bin, 'save', '--format', 'docker-archive', ref] : [bin, 'save', ref], opts.env);
      } else {
        out.push({ ...base, status: 'skipped', reason: `the build produced no image to read (output "${r.output}")` });
        continue;
      }
    } catch (err) {
      out.push({ ...base, status: 'skipped', reason: err instanceof Error ? err.message : String(err) });
      continue;
    }
    const tree = pick(trees, r.platform);
    if (!tree) {
      out.push({ ...base, status: 'fail', source, reason: `the image holds ${trees.map((t) => t.platform).join(', ') || 'no platform'}, not ${r.platform}` });
      continue;
    }
    const check = checkTree(tree, r.platform);
    const problem = check.entrypoint?.problem;
    const failed = check.mismatches.length > 0 || problem !== undefined;
    out.push({ ...base, ...check, status: failed ? 'fail' : 'pass', source, ...(problem ? { reason: `entrypoint: ${problem}` } : {}) });
  }
  return out.sort((a, b) => a.variant.localeCompare(b.variant) || a.platform.localeCompare(b.platform));
}

/** "linux/arm64 image contains /usr/local/bin/tool built for x86-64" per mismatch. */
export function mismatchLines(c: StaticCell): string[] {
  return c.mismatches.map((m) => `${c.platform} image contains ${m.path} built for ${m.machine}`);
}
