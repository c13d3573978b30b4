import { createHash } from 'node:crypto';
import { nameOf, parseReference } from '../reference';

/**
 * Replace-on-success naming. A build writes under a temporary name in the user's repository and only a
 * build that succeeded moves the user's tags onto it, so a failed or cancelled rebuild leaves the
 * previous image, its digest and its tags exactly as they were. The name is stable for one (image,
 * platforms) pair, so a run killed before it could clean up is cleared by the next run of the same job,
 * and it differs between jobs that may run at the same time.
 */
export function stagingRef(finalRef: string, platforms: string[]): string {
  const hash = createHash('sha256')
    .update(`${finalRef}\n${platforms.join(',')}`)
    .digest('hex')
    .slice(0, 12);
  return `${nameOf(parseReference(finalRef))}:multiarch-tmp-${hash}`;
}

/** Whether `ref` is a name stagingRef gave: this tool's own, never one the user chose. */
export function isStagingRef(ref: string): boolean {
  return /:multiarch-tmp-[0-9a-f]{12}$/.test(ref);
}

/** Where an output file is written before it is renamed into place, so it appears whole or not at all. */
export function partialPath(file: string): string {
  return `${file}.partial`;
}

/**
 * The build arg that marks a podman build: buildah records every build arg in each working container it
 * creates (`buildah.json`), which is how the containers a killed build left behind are found again
 * without touching those of other builds. An undeclared build arg changes neither the image nor the cache.
 */
export const buildMarkerArg = 'MULTIARCH_BUILD';

/**
 * The build arg that names the process running a podman build (`pid/start time/host`, see
 * `state/lockFile.ts` `processOwner`). The argv carries only its name, so `plan` prints what `build` runs;
 * podman takes the value from the build's environment, which the runner sets, and buildah records it with the
 * marker. A working container whose owner is gone was left by a killed build and can go, whatever its job;
 * one whose owner runs belongs to a live build and stays.
 */
export const buildOwnerArg = 'MULTIARCH_BUILD_OWNER';

/** The marker and owner build args of a podman build (or warm-up) marked `marker`. */
export function markerArgs(marker: string): string[] {
  return ['--build-arg', `${buildMarkerArg}=${marker}`, '--build-arg', buildOwnerArg];
}
