import { createHash } from 'node:crypto';
import { parseImageList, type StoredImage } from '../engines/podmanStore';
import type { Job } from '../jobs';
import { normalize, tryParseReference } from '../reference';
import type { RegistryClient } from '../registry';
import { MemoBaseImages } from '../schedule/warmupSkip';
import type { EngineQuery } from './engineQuery';

/** What a job's tag named after its last successful build: its record of what it made. */
export interface MadeOutput {
  /** podman: sha256 of `manifest inspect` of the list (its instances, by digest); docker: the image id. */
  manifest: string;
  /** The list's instances (podman); none for a plain image. */
  instances: string[];
}

/** How an engine's store is asked whether a job's tag still names what its last build made. */
export interface JobOutputs {
  /**
   * A check of several jobs at once (it may ask the store once for all of them): whether each one's tag still
   * names `made`, whole.
   */
  checker(): (job: Job, made: MadeOutput) => Promise<boolean>;
  /** What the job's tag names now, to record after its build; undefined when that cannot be told. */
  made(job: Job): Promise<MadeOutput | undefined>;
}

/**
 * podman: the tag names a local manifest list. A check asks for one `podman images` listing of the store,
 * then one `manifest inspect` per job. `podman images` fails for the whole store while any list in it names an
 * image that is gone (a killed build's, one removed by hand); each tag is then asked on its own (three calls).
 */
export class PodmanOutputs implements JobOutputs {
  constructor(
    private readonly program: string,
    private readonly query: EngineQuery,
  ) {}

  checker(): (job: Job, made: MadeOutput) => Promise<boolean> {
    let listing: Promise<StoredImage[] | undefined> | undefined;
    const list = () =>
      (listing ??= this.query([this.program, 'images', '--no-trunc', '--format', 'json']).then((r) =>
        r.ok ? safeList(r.stdout) : undefined,
      ));
    return (job, made) => this.unchanged(job.tags[0]!, made, list());
  }

  private async unchanged(tag: string, made: MadeOutput, listing: Promise<StoredImage[] | undefined>) {
    const store = await listing;
    if (store) {
      // podman keeps a name without a registry as localhost/…; a wrong match only fails the comparison below.
      const named = store.filter((i) => i.names.some((n) => n === tag || n.endsWith(`/${tag}`)));
      const digests = new Set(store.flatMap((i) => (i.digest ? [i.digest] : [])));
      if (named.length !== 1 || !made.instances.every((d) => digests.has(d))) return false;
      const r = await this.query([this.program, 'manifest', 'inspect', named[0]!.id]);
      return r.ok && sha256(r.stdout) === made.manifest;
    }
    // Only a local list: `manifest inspect` of any other name asks its registry.
    if (!(await this.query([this.program, 'manifest', 'exists', tag])).ok) return false;
    const r = await this.query([this.program, 'manifest', 'inspect', tag]);
    if (!r.ok || sha256(r.stdout) !== made.manifest) return false;
    const refs = made.instances.map((d) => `${tag}@${d}`);
    return (await this.query([this.program, 'image', 'inspect', '--format', '{{.Id}}', ...refs])).ok;
  }

  async made(job: Job): Promise<MadeOutput | undefined> {
    const inspected = await this.query([this.program, 'manifest', 'inspect', job.tags[0]!]);
    const instances = inspected.ok ? instanceDigests(inspected.stdout) : undefined;
    return instances && { manifest: sha256(inspected.stdout), instances };
  }
}

/** dockerd: the tag names one image, whose id changes with any layer or config change. */
export class DockerOutputs implements JobOutputs {
  constructor(
    private readonly program: string,
    private readonly query: EngineQuery,
  ) {}

  checker(): (job: Job, made: MadeOutput) => Promise<boolean> {
    return async (job, made) => (await this.made(job))?.manifest === made.manifest;
  }

  async made(job: Job): Promise<MadeOutput | undefined> {
    const r = await this.query([this.program, 'image', 'inspect', '--format', '{{.Id}}', job.tags[0]!]);
    const id = r.ok ? r.stdout.trim() : '';
    return /^sha256:[0-9a-f]{64}$/.test(id) ? { manifest: id, instances: [] } : undefined;
  }
}

/**
 * What dockerd's BuildKit starts a build from: the image under the name in dockerd's store when it is for the
 * build's platform, else the registry's manifest for that name. Both are summed up (the local image's id and the
 * registry's digest of the tag, one HEAD request), so a change to either builds again; a registry that cannot be
 * asked (offline, credentials) leaves the inputs untold, and the job builds as before. A digest reference is its
 * own answer.
 */
export class DockerBaseImages extends MemoBaseImages {
  constructor(
    private readonly program: string,
    private readonly query: EngineQuery,
    private readonly registry: () => Promise<RegistryClient>,
  ) {
    super();
  }

  protected async ask(image: string): Promise<string> {
    const ref = tryParseReference(image);
    if (!ref) throw new Error(`${image}: not an image reference`);
    const [local, remote] = await Promise.all([
      this.query([this.program, 'image', 'inspect', '--format', '{{.Id}} {{.Os}}/{{.Architecture}}', image]),
      ref.digest ?? this.registry().then((c) => c.digestOf(normalize(ref))),
    ]);
    return `local ${local.ok ? local.stdout.trim() : 'absent'} remote ${remote}`;
  }
}

function safeList(text: string): StoredImage[] | undefined {
  try {
    return parseImageList(text);
  } catch {
    return undefined;
  }
}

/** The digests of the instances a `manifest inspect` answer lists, in its order; undefined when it lists none. */
export function instanceDigests(text: string): string[] | undefined {
  try {
    const list = JSON.parse(text) as { manifests?: Array<{ digest?: unknown }> };
    const out = (list.manifests ?? []).map((m) => m.digest);
    return out.length && out.every((d): d is string => typeof d === 'string') ? out : undefined;
  } catch {
    return undefined;
  }
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
