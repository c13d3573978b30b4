import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Job, JobPart } from '../jobs';
import { partImageFile } from '../schedule/podmanParts';

// What a job needs around its commands: the files and folders it writes into, and (split podman jobs)
// the images its parts built (their iid files), pinned before the list is made from them.

/** Writes the job's generated files (the bake file) and creates the folders its outputs go to. */
export async function ensureOutputDirs(job: Job): Promise<void> {
  for (const [file, content] of Object.entries(job.files ?? {})) {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  // A bake writes every variant's archive through its `.partial` name: the staging files name them all.
  const stagedFiles = Object.keys(job.staging?.files ?? {});
  const partFiles = (job.parts ?? []).flatMap((p) => [p.iidfile, p.metadataFile]);
  for (const f of [job.ociPath, job.metadataFile, ...stagedFiles, ...partFiles])
    if (f) await mkdir(dirname(f), { recursive: true });
}

/**
 * A split job's after-steps with each part's image source (partImageSource) replaced by the id its build
 * wrote to the part's iid file (podman); the iid files go once read. Parts without one (buildx) are left alone.
 */
export async function pinPartImages(
  after: string[][],
  parts: JobPart[],
): Promise<{ argv: string[][] } | { failed: string }> {
  const ids = new Map<string, string>();
  for (const part of parts) {
    if (!part.iidfile) continue;
    const id = (await readFile(part.iidfile, 'utf8').catch(() => '')).trim().replace(/^sha256:/, '');
    if (!/^[0-9a-f]{64}$/.test(id))
      return {
        failed: `the ${part.platform} image was built but podman wrote no image id to ${part.iidfile}; run the build again`,
      };
    ids.set(part.iidfile, `containers-storage:${id}`);
  }
  await Promise.all([...ids.keys()].map((f) => rm(f, { force: true })));
  return { argv: after.map((argv) => argv.map((a) => ids.get(partImageFile(a) ?? '') ?? a)) };
}

/** The parts' iid and metadata files (a failed, cancelled or finished job leaves none). */
export async function removePartFiles(parts: JobPart[] | undefined): Promise<void> {
  const files = (parts ?? []).flatMap((p) => [p.iidfile, p.metadataFile]).filter((f) => f !== undefined);
  await Promise.all(files.map((f) => rm(f, { force: true })));
}
