// Applies layers in order (OCI image-spec "Applying changesets"): whiteouts remove what lower layers added.
import type { LayerEntry } from './layerEntries';

export interface FsEntry extends LayerEntry {
  /** Index of the layer that wrote this entry last. */
  layer: number;
}

function removeTree(fs: Map<string, FsEntry>, path: string, keepSelf = false): void {
  const prefix = path === '/' ? '/' : `${path}/`;
  if (!keepSelf) fs.delete(path);
  for (const key of [...fs.keys()]) if (key.startsWith(prefix)) fs.delete(key);
}

/** The image's final file system: path → entry, from the bottom layer up. */
export function flattenLayers(layers: LayerEntry[][]): Map<string, FsEntry> {
  const fs = new Map<string, FsEntry>();
  layers.forEach((entries, layer) => {
    // A layer's whiteouts apply to the layers below it, whatever their position in its tar.
    for (const e of entries) {
      if (e.whiteout === 'opaque') removeTree(fs, e.path, true);
      else if (e.whiteout === 'file') removeTree(fs, e.path);
    }
    for (const e of entries) {
      if (e.whiteout) continue;
      const previous = fs.get(e.path);
      // A directory replaced by anything else takes its contents with it.
      if (previous?.type === 'dir' && e.type !== 'dir') removeTree(fs, e.path);
      fs.set(e.path, { ...e, layer });
    }
  });
  return fs;
}
