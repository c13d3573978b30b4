// Why the architectures differ in size: per-layer and per-directory bytes of each platform's image, side by
// side, the largest difference first.
import { flattenLayers } from '../layers/flatten';
import type { ImageFs } from '../layers/imageArchive';

export interface SizeByPlatform {
  /** platform → bytes (a platform that lacks the layer or directory has 0). */
  sizes: Record<string, number>;
}

export interface LayerComparison extends SizeByPlatform {
  /** The instruction that created the layer, with architecture names and content hashes made generic. */
  createdBy: string;
}

export interface DirComparison extends SizeByPlatform {
  /** A top-level (`/usr`) or second-level (`/usr/lib`) path of the unpacked image. */
  path: string;
}

export interface ArchComparison {
  variant: string;
  platforms: string[];
  layers: LayerComparison[];
  dirs: DirComparison[];
  /** Platforms whose image could not be read, and why. */
  errors?: { platform: string; error: string }[];
}

const ARCH_WORDS =
  /(?<![A-Za-z0-9])(amd64|arm64|aarch64|x86_64|x86-64|armv7l|armv7|armv6|armhf|arm64v8|ppc64le|s390x|riscv64|i386|i686)(?![A-Za-z0-9])/g;

/**
 * An instruction as both platforms would show it: `COPY rootfs-arm64/ /` and `COPY rootfs-amd64/ /` become
 * `COPY rootfs-{arch}/ /`; content hashes (`COPY dir:3f2a…`) and the classic `/bin/sh -c #(nop)` prefix go.
 */
export function genericInstruction(createdBy: string): string {
  return createdBy
    .replace(/^\/bin\/sh -c #\(nop\)\s*/, '')
    .replace(ARCH_WORDS, '{arch}')
    .replace(/\b(sha256:)?[0-9a-f]{32,}\b/g, '…')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Bytes of the regular files a layer adds (what it contributes unpacked; whiteouts and links count 0). */
function layerBytes(image: ImageFs['layers'][number]): number {
  return image.entries.reduce((sum, e) => sum + (e.whiteout ? 0 : e.size), 0);
}

/** `/usr/lib/x/y` → [`/usr`, `/usr/lib`]; `/app` → [`/app`]. */
function dirKeys(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  return parts.length >= 2 ? [`/${parts[0]}`, `/${parts[0]}/${parts[1]}`] : parts.length === 1 ? [`/${parts[0]}`] : [];
}

function spread(sizes: Record<string, number>, platforms: string[]): number {
  const values = platforms.map((p) => sizes[p] ?? 0);
  return Math.max(...values) - Math.min(...values);
}

function sortByDifference<T extends SizeByPlatform>(rows: T[], platforms: string[], key: (r: T) => string): T[] {
  return rows.sort(
    (a, b) =>
      spread(b.sizes, platforms) - spread(a.sizes, platforms) ||
      key(a).length - key(b).length ||
      key(a).localeCompare(key(b)),
  );
}

export function compareImages(
  variant: string,
  images: ImageFs[],
  errors: { platform: string; error: string }[] = [],
): ArchComparison {
  const platforms = images.map((i) => i.platform);
  const layers = new Map<string, LayerComparison>();
  const dirs = new Map<string, DirComparison>();
  for (const image of images) {
    // The same instruction can appear twice (two COPYs of the same folder): match the n-th with the n-th.
    const seen = new Map<string, number>();
    image.layers.forEach((layer, i) => {
      const text = genericInstruction(layer.createdBy) || `layer ${i + 1}`;
      const n = (seen.get(text) ?? 0) + 1;
      seen.set(text, n);
      const key = `${text}\u0000${n}`;
      const row = layers.get(key) ?? { createdBy: text, sizes: {} };
      row.sizes[image.platform] = (row.sizes[image.platform] ?? 0) + layerBytes(layer);
      layers.set(key, row);
    });
    for (const [path, entry] of flattenLayers(image.layers.map((l) => l.entries))) {
      if (entry.type !== 'file') continue;
      for (const dir of dirKeys(path)) {
        const row = dirs.get(dir) ?? { path: dir, sizes: {} };
        row.sizes[image.platform] = (row.sizes[image.platform] ?? 0) + entry.size;
        dirs.set(dir, row);
      }
    }
  }
  const fill = <T extends SizeByPlatform>(row: T): T => {
    for (const p of platforms) row.sizes[p] ??= 0;
    return row;
  };
  return {
    variant,
    platforms,
    layers: sortByDifference([...layers.values()].map(fill), platforms, (r) => r.createdBy),
    dirs: sortByDifference([...dirs.values()].map(fill), platforms, (r) => r.path),
    ...(errors.length ? { errors } : {}),
  };
}
