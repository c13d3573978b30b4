// Reads the images of each variant's newest successful builds and compares their architectures.
import { cellImageReader } from '../layers/cellImage';
import type { ImageFs } from '../layers/imageArchive';
import type { BuildRecord } from '../results/types';
import { latestSucceeded } from '../sizes/buildRecords';
import type { CollectOptions } from '../sizes/collectSizes';
import { compareImages, type ArchComparison } from './explainSizes';
import { messageOf } from '../errors';

export async function compareArchitectures(records: BuildRecord[], opts: CollectOptions): Promise<ArchComparison[]> {
  const imageOf = cellImageReader(opts);

  const wanted = opts.variants?.length ? new Set(opts.variants) : undefined;
  const byVariant = new Map<string, BuildRecord[]>();
  for (const r of latestSucceeded(records)) {
    if (wanted && !wanted.has(r.variant)) continue;
    byVariant.set(r.variant, [...(byVariant.get(r.variant) ?? []), r]);
  }
  const out: ArchComparison[] = [];
  for (const [variant, cells] of [...byVariant].sort(([a], [b]) => a.localeCompare(b))) {
    cells.sort((a, b) => a.platform.localeCompare(b.platform));
    const images: ImageFs[] = [];
    const errors: { platform: string; error: string }[] = [];
    // one platform at a time: each one streams a whole image
    for (const r of cells) {
      try {
        images.push(await imageOf(r));
      } catch (err) {
        errors.push({ platform: r.platform, error: messageOf(err) });
      }
    }
    out.push(compareImages(variant, images, errors));
  }
  return out;
}
