// Which reference to run for a cell: podman 4.3's `run --platform P LIST` looks the manifest list up
// for the host's architecture ("no image found in image index for architecture amd64" when the list has
// only arm64, and a platform-mismatch warning otherwise), so a podman cell runs its instance by digest.
import { parseManifestList, platformRefs } from '../engines/podmanOutput';
import type { BuildRecord } from '../results/types';
import type { ToolOptions, ToolRunner } from '../engines/exec';

/** `repo@digest` of the cell's platform when `image` is a podman manifest list; otherwise `image` itself. */
export async function runnableImage(
  r: BuildRecord,
  image: string,
  { run, podman, ...opts }: ToolOptions & { run: ToolRunner; podman: string },
): Promise<string> {
  if (r.engine !== 'podman') return image;
  const listed = await run([podman, 'manifest', 'inspect', image], opts);
  // A plain image (or one podman cannot read as a list) is run by its name.
  if (listed.exitCode !== 0 || listed.timedOut) return image;
  let refs: Record<string, string>;
  try {
    refs = platformRefs(image, parseManifestList(listed.stdout));
  } catch {
    return image;
  }
  // A list may name arm64 as linux/arm64/v8 while the config says linux/arm64.
  const key =
    Object.keys(refs).find((p) => p === r.platform) ?? Object.keys(refs).find((p) => p.startsWith(`${r.platform}/`));
  return key ? refs[key]! : image;
}
