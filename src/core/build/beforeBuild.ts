import { taggedImages } from './cleanup';
import { removeOrphans, type JobStore } from './discardJob';
import { ensureOutputDirs } from './jobFiles';
import { namedManifestLists } from './promote';

/**
 * What a job does before its build, side by side (each a short engine call, 0.1–0.3 s, and a warm build takes
 * not much longer): its output folders, orphaned working containers, its `before` steps, and a look at what
 * its tags name now: the podman lists a success replaces, the docker images a failure restores.
 */
export async function beforeBuild(
  store: JobStore,
  signal: AbortSignal,
): Promise<{ replaced: string[]; previous: Awaited<ReturnType<typeof taggedImages>> | undefined }> {
  const { exec: x, job, o } = store;
  const [, , , replaced, previous] = await Promise.all([
    ensureOutputDirs(job),
    removeOrphans(store),
    (async () => {
      for (const argv of job.before ?? []) await x.run(job, argv, { o, signal }); // failures ignored: a previous result's clean-up
    })(),
    job.staging?.replaces
      ? namedManifestLists(x.program(job, 'podman'), job.staging.replaces, x.query(job))
      : Promise.resolve([]),
    job.staging?.restores
      ? taggedImages(x.program(job, 'docker'), job.staging.restores, x.query(job))
      : Promise.resolve(undefined),
  ]);
  return { replaced, previous };
}
