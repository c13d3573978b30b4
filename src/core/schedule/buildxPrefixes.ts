import { readFile } from 'node:fs/promises';
import type { ResolvedConfig } from '../config/types';
import { localAvailability } from '../engines/emulation';
import type { Job } from '../jobs';
import { normalize, tryParseReference } from '../reference';
import type { RegistryClient } from '../registry';
import { scheduleJobs } from './schedule';
import { inputsDigest, MemoBaseImages, RecordsFile } from './warmupSkip';

// Whether this machine's emulated platforms' shared steps (the ones podman's schedule would warm up first) were
// built by an earlier buildx Build All with the same inputs, and so are in BuildKit's cache. Build All splits a
// buildx push per platform only while they are not (matrix/buildxSplit.ts): the split keeps a core for those
// steps, the run's critical path, but costs a `docker buildx build` per variant and platform, which one bake
// saves when every step comes from the cache (bench/README.md, "buildx: one build per platform").

/**
 * What an image a buildx build starts from is: its registry's digest for the name (one HEAD request), which
 * BuildKit resolves on every build; a digest reference is its own answer. A registry that cannot be asked leaves
 * the inputs untold.
 */
export class RegistryBaseImages extends MemoBaseImages {
  constructor(private readonly registry: () => Promise<RegistryClient>) {
    super();
  }

  protected async ask(image: string): Promise<string> {
    const ref = tryParseReference(image);
    if (!ref) throw new Error(`${image}: not an image reference`);
    return ref.digest ?? (await this.registry()).digestOf(normalize(ref));
  }
}

/**
 * A digest of the inputs of each emulated platform's shared steps in `jobs` (inputsDigest: the Dockerfile cut
 * after them, the build args, the base images); none when there are no such steps with work in them, undefined
 * when one cannot be told. The context files they read are left out: a shared stage that copies the sources
 * (a compile stage) changed with every edit, and split, a run whose dependency steps came from the cache took
 * longer than the bake (bench/README.md, "buildx: one build per platform"). An edit to a file the dependency
 * steps read (a requirements file) is then built by the bake, as before the split.
 */
export async function emulatedPrefixes(
  config: ResolvedConfig,
  jobs: Job[],
  { host, images }: { host: string; images: RegistryBaseImages },
): Promise<string[] | undefined> {
  const { warmup } = scheduleJobs(config, jobs, { engine: 'buildx', host, policy: { pull: false, warmup: true } });
  const emulated = warmup.filter((w) => localAvailability(w.platforms[0]!, host, []).state !== 'native');
  const digests = await Promise.all(
    emulated.map(async (w) => {
      const text = Object.values(w.files ?? {})[0] ?? (await readFile(w.dockerfile, 'utf8').catch(() => undefined));
      if (text === undefined) return undefined;
      return inputsDigest({ argv: w.argv, text, cwd: w.cwd, platforms: w.platforms, withoutFiles: true }, images, host);
    }),
  );
  return digests.every((d) => d !== undefined) ? digests : undefined;
}

interface Entry {
  at: string;
}

const isEntry = (v: unknown): v is Entry => typeof (v as Entry | undefined)?.at === 'string';

/** The records, read fresh each time: another window or the CLI may have built since. */
const records = () => new RecordsFile<Entry>('buildx-prefixes.json', isEntry);

/** Whether every one of `digests` was recorded as built in the project at `root`. */
export async function prefixesBuilt(root: string, digests: string[]): Promise<boolean> {
  const built = await records().load(root);
  return digests.every((d) => built.has(d));
}

/** A Build All that built `digests`' steps succeeded: the next one finds them in BuildKit's cache. */
export async function recordPrefixes(root: string, digests: string[]): Promise<void> {
  const file = records();
  for (const d of digests) await file.set(root, d, { at: new Date().toISOString() });
}
