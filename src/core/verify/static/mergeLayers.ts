// The image's final file tree from its layers in order, as the engine's overlay would show it.
import type { FsEntry, LayerSummary } from './layerScan';

function under(path: string, dirs: Set<string>): boolean {
  if (dirs.has(path)) return true;
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) if (dirs.has(path.slice(0, i))) return true;
  return false;
}

export function mergeLayers(layers: LayerSummary[]): Map<string, FsEntry> {
  const fs = new Map<string, FsEntry>();
  for (const layer of layers) {
    // A layer's whiteouts hide what is below it, never its own files: delete first, then add.
    const removed = new Set(layer.whiteouts);
    const opaque = new Set(layer.opaque);
    if (removed.size || opaque.size) {
      for (const path of fs.keys()) {
        if (under(path, removed) || (under(path, opaque) && !opaque.has(path))) fs.delete(path);
      }
    }
    for (const [path, entry] of layer.entries) {
      // A hard link is the file it links to, as that file is at this point.
      if (entry.kind === 'hardlink') fs.set(path, layer.entries.get(entry.target) ?? fs.get(entry.target) ?? { kind: 'other' });
      else fs.set(path, entry);
    }
  }
  return fs;
}
