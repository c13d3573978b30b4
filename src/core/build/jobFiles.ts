import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Job, JobPart } from '../jobs';
import { storageRef } from '../schedule/podmanParts';
import type { EngineQuery } from './engineQuery';

// What a job needs around its commands: the files and folders it writes into, and (split podman jobs)
// the images its parts built, pinned before the list is made from them.

/** Writes the job's generated files (the bake file) and creates the folders its outputs go to. */
export async function ensureOutputDirs(job: Job): Promise<void> {
  for (const [file, content] of Object.entries(job.files ?? {})) {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  for (const f of [job.ociPath, job.metadataFile]) if (f) await mkdir(dirname(f), { recursive: true });
}

/**
 * A split job's after-steps with each part's temporary name replaced by the image it names. podman 4.3
 * finds a list instance added by name through that name again when the list is pushed or exported, so
 * a list made from names cannot be pushed once the part names are untagged ("does not resolve to an
 * image ID"); one made from image ids can.
 */
export async function pinPartImages(after: string[][], parts: JobPart[], podman: string, query: EngineQuery): Promise<{ argv: string[][] } | { failed: string }> {
  const ids = new Map<string, string>();
  for (const part of parts) {
    const r = await query([podman, 'image', 'inspect', '--format', '{{.Id}}', part.ref]);
    const id = r.stdout.trim();
    if (!r.ok || !/^[0-9a-f]{64}$/.test(id)) return { failed: `the ${part.platform} image ${part.ref} was built but cannot be read: ${r.stderr.trim() || 'no image id'}; run the build again` };
    ids.set(storageRef(part.ref), `containers-storage:${id}`);
  }
  return { argv: after.map((argv) => argv.map((a) => ids.get(a) ?? a)) };
}
