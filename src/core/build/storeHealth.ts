import type { ResolvedConfig } from '../config/types';
import { instancesInStore, parseManifestList } from '../engines/podmanOutput';
import { variantTags } from '../engines/references';
import type { EngineQuery } from './engineQuery';

/**
 * The podman store check before a build. A local manifest list can point at a platform image that is no
 * longer in the store (`podman rmi` or `podman image prune` of an instance, a build killed at the wrong
 * moment); podman then fails on it with "reading manifest for image instance … (consider removing the image
 * to resolve the issue)", and `podman images` may fail for the whole store. This finds such lists among the
 * project's own tags and says which image and how to fix it, instead of a build failing on podman's message.
 */
export interface BrokenImage {
  /** The project's tag that names the broken manifest list. */
  ref: string;
  /** The platforms whose image is gone. */
  missing: { platform: string; digest: string }[];
}

/** Every tag the project's variants write (local and pushed names). */
export function projectTags(config: ResolvedConfig): string[] {
  return [
    ...new Set(config.variants.flatMap((v) => [...variantTags(config, v, false), ...variantTags(config, v, true)])),
  ];
}

/** Asks about every tag at once (and every instance of a list at once): read-only queries, on the path of every podman Build All. */
export async function brokenManifestLists(program: string, tags: string[], run: EngineQuery): Promise<BrokenImage[]> {
  const found = await Promise.all(tags.map((ref) => brokenList(program, ref, run)));
  return found.filter((b): b is BrokenImage => b !== undefined);
}

async function brokenList(program: string, ref: string, run: EngineQuery): Promise<BrokenImage | undefined> {
  if (!(await run([program, 'manifest', 'exists', ref])).ok) return undefined;
  const inspect = await run([program, 'manifest', 'inspect', ref]);
  if (!inspect.ok) return undefined;
  let entries;
  try {
    entries = parseManifestList(inspect.stdout);
  } catch {
    return undefined;
  }
  const held = await instancesInStore(ref, entries, { program, exists: async (argv) => (await run(argv)).ok });
  const missing = entries.filter((_, i) => !held[i]);
  return missing.length ? { ref, missing } : undefined;
}

/** The fix: drop the list itself. Its remaining platform images stay; the next build makes a new list. */
export function removeBrokenImageArgv(program: string, ref: string): string[] {
  return [program, 'manifest', 'rm', ref];
}

export async function removeBrokenImage(
  program: string,
  ref: string,
  run: EngineQuery,
): Promise<{ ok: boolean; message: string }> {
  const r = await run(removeBrokenImageArgv(program, ref));
  return { ok: r.ok, message: r.ok ? `removed the broken manifest list ${ref}` : (r.stderr || r.stdout).trim() };
}

export function describeBroken(b: BrokenImage[]): string {
  return b
    .map(
      (x) =>
        `the podman manifest list ${x.ref} points at ${x.missing.map((m) => `its ${m.platform} image (${m.digest.slice(0, 19)}…)`).join(' and ')}, which ${x.missing.length > 1 ? 'are' : 'is'} no longer in the store, so podman fails on it`,
    )
    .join('; ');
}
