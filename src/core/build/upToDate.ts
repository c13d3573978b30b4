import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseImageList, type StoredImage } from '../engines/podmanStore';
import { cellId, jobCells, type Cell, type Job, type Plan } from '../jobs';
import type { PrePhaseHooks, StepResult } from '../schedule/runSchedule';
import { hostPlatform } from '../engines/emulation';
import type { JobOutcome, Lane, RunOptions } from './runnerTypes';
import type { BuildRecord } from '../results/types';
import { inputsDigest, RecordsFile, StoreImages, WarmupRecords } from '../schedule/warmupSkip';
import type { EngineQuery } from './engineQuery';
import { lockedCells } from './lockFiles';

/** What a job's last successful build read and made, with its records. */
interface JobEntry {
  /** inputsDigest of the job when that build started. */
  inputs: string;
  /** sha256 of `podman manifest inspect` of the list the job's tag named after it: its instances, by digest. */
  manifest: string;
  instances: string[];
  /** The build's records, one per cell: what the views show for an up-to-date cell. */
  records: BuildRecord[];
}

const isEntry = (v: unknown): v is JobEntry => {
  const e = v as Partial<JobEntry> | undefined;
  return (
    typeof e?.inputs === 'string' &&
    typeof e.manifest === 'string' &&
    Array.isArray(e.instances) &&
    e.instances.every((i) => typeof i === 'string') &&
    Array.isArray(e.records) &&
    e.records.every((r) => typeof r?.variant === 'string' && typeof r.platform === 'string')
  );
};

/**
 * The jobs a podman Build All need not run: nothing a job reads changed since its last successful build
 * (inputsDigest: argv, Dockerfile, base images in the store, the context files its COPY and ADD steps read),
 * its tag still names the manifest list that build made, unchanged, and every image of that list is in the
 * store, and no build of its cells runs or was killed since (a lock file of a cell: the job then builds as
 * before, after the other build, or clearing what the killed one left). Such a job's cells
 * end as that build left them, with its records. A cached podman build of an
 * unchanged job still cost 0.3–3 s of processes (bench/README.md, "An up-to-date job is not built again"), and
 * replace-on-success added five more podman calls per job; `RunOptions.rebuild` builds them all the same.
 *
 * Only this machine's podman, images kept in the store (`load`), one tag per job, and plans without build
 * nodes: there the store can be asked cheaply and holds the whole result. Records are in
 * `.multiarch/cache/jobs.json` (one project per instance, as the plan's jobs share its root).
 */
export class UpToDateJobs {
  private readonly records = new RecordsFile<JobEntry>('jobs.json', isEntry);
  /** Each eligible job's inputs when this run started: recorded with what it made once it succeeded. */
  private readonly started = new Map<Job, string>();

  private readonly program: string;
  private readonly query: EngineQuery;
  private readonly host: string;
  private readonly images: StoreImages;

  constructor(o: { program: string; query: EngineQuery; host: string; images: StoreImages }) {
    ({ program: this.program, query: this.query, host: this.host, images: this.images } = o);
  }

  static eligible(job: Job): boolean {
    return (
      job.engine === 'podman' &&
      job.program === 'podman' &&
      !job.node &&
      job.output === 'load' &&
      job.tags.length === 1 &&
      !!job.staging?.replaces &&
      !job.keepPlatforms?.length &&
      !!job.dockerfile
    );
  }

  /** The last `start`, which `built` waits for; undefined before any. */
  private summing?: Promise<unknown>;

  /** Whether the inputs were summed up in this run (`start`). */
  get summed(): boolean {
    return !!this.summing;
  }

  /**
   * Sums up what each eligible job of `jobs` reads now (inputsDigest): what `built` records for it. Asked again
   * after a pull changed the store, so the record holds the base images the build read; then beside the builds'
   * start, as the files a build copies are read by podman only after its first steps.
   */
  start(jobs: Job[]): Promise<Array<{ job: Job; inputs: string }>> {
    const summing = this.sum(jobs);
    this.summing = summing.catch(() => {});
    return summing;
  }

  private async sum(jobs: Job[]): Promise<Array<{ job: Job; inputs: string }>> {
    const eligible = jobs.filter((j) => UpToDateJobs.eligible(j));
    const inputs = await Promise.all(eligible.map((j) => this.inputs(j)));
    return eligible.flatMap((job, i) => {
      const now = inputs[i];
      if (!now) {
        this.started.delete(job);
        return [];
      }
      this.started.set(job, now);
      return [{ job, inputs: now }];
    });
  }

  /**
   * The jobs of `jobs` that need not build, each with the records of the build that made its images. What the
   * tags name is asked beside the inputs: one `podman images` listing of the store, then one `manifest inspect`
   * per job. `podman images` fails for the whole store while any list in it names an image that is gone (a killed
   * build's, one removed by hand); each tag is then asked on its own (three calls).
   */
  async check(jobs: Job[]): Promise<Map<Job, BuildRecord[]>> {
    const fresh = new Map<Job, BuildRecord[]>();
    const entries = jobs[0] ? await this.records.load(jobs[0].cwd) : new Map<string, JobEntry>();
    const known = jobs.filter((j) => UpToDateJobs.eligible(j) && entries.has(j.id));
    // Nothing recorded (a first build): the inputs are summed up once the pulls are done, beside the builds.
    if (!known.length) return fresh;
    const listing = this.query([this.program, 'images', '--no-trunc', '--format', 'json']).then((r) =>
      r.ok ? safeList(r.stdout) : undefined,
    );
    const outputs = new Map(
      known.map((j) => [j, this.unchangedOutput(j, entries.get(j.id)!, listing).catch(() => false)]),
    );
    for (const { job, inputs } of await this.start(jobs)) {
      const entry = entries.get(job.id);
      if (entry?.inputs === inputs && sameCells(job, entry.records) && (await outputs.get(job)))
        fresh.set(job, entry.records);
    }
    return fresh;
  }

  /**
   * Whether the job's tag still names a list of the same instances as after its last build, each in the store,
   * and none of its cells has a lock file: another build of them runs (the job then waits for it and builds
   * after it), or one was killed and left working containers that only a build of the job clears.
   */
  private async unchangedOutput(
    job: Job,
    entry: JobEntry,
    listing: Promise<StoredImage[] | undefined>,
  ): Promise<boolean> {
    const tag = job.tags[0]!;
    if (await lockedCells(job.cwd, jobCells(job))) return false;
    const store = await listing;
    if (store) {
      // podman keeps a name without a registry as localhost/…; a wrong match only fails the comparison below.
      const named = store.filter((i) => i.names.some((n) => n === tag || n.endsWith(`/${tag}`)));
      const digests = new Set(store.flatMap((i) => (i.digest ? [i.digest] : [])));
      if (named.length !== 1 || !entry.instances.every((d) => digests.has(d))) return false;
      const r = await this.query([this.program, 'manifest', 'inspect', named[0]!.id]);
      return r.ok && sha256(r.stdout) === entry.manifest;
    }
    // Only a local list: `manifest inspect` of any other name asks its registry.
    if (!(await this.query([this.program, 'manifest', 'exists', tag])).ok) return false;
    const r = await this.query([this.program, 'manifest', 'inspect', tag]);
    if (!r.ok || sha256(r.stdout) !== entry.manifest) return false;
    const refs = entry.instances.map((d) => `${tag}@${d}`);
    return (await this.query([this.program, 'image', 'inspect', '--format', '{{.Id}}', ...refs])).ok;
  }

  /**
   * `job` succeeded with `records`: the list its tag names now is recorded under the inputs it started with (one
   * `manifest inspect`); a record that cannot be made only means the job builds next time.
   */
  async built(job: Job, records: BuildRecord[]): Promise<void> {
    await this.summing;
    const inputs = this.started.get(job);
    const tag = job.tags[0];
    if (!inputs || !tag) return;
    const inspected = await this.query([this.program, 'manifest', 'inspect', tag]);
    const instances = inspected.ok ? instanceDigests(inspected.stdout) : undefined;
    if (!instances) return;
    await this.records.set(job.cwd, job.id, { inputs, manifest: sha256(inspected.stdout), instances, records });
  }

  private async inputs(job: Job): Promise<string | undefined> {
    const text = await readFile(job.dockerfile!, 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    return inputsDigest(
      {
        argv: job.argv,
        text,
        cwd: job.cwd,
        platforms: job.platforms,
        extra: { parts: job.parts?.map((p) => p.argv), after: job.after, files: job.files },
      },
      this.images,
      this.host,
    );
  }
}

/** What a lane's builds get from its up-to-date check: the recorder of what they make, the base images asked. */
export interface LaneCheck {
  jobs?: UpToDateJobs;
  images?: StoreImages;
  /** The lane's warm-ups that need not run again (this machine's podman). */
  warmups?: WarmupRecords;
}

/**
 * A lane on this machine's podman: the jobs nothing changed for end as their last build left them (unless
 * `o.rebuild`), and `build` runs the others with what records them for the next run and the warm-up skip, which
 * shares the base images' answers.
 */
export async function upToDateFirst(
  { lane, o, program, query }: { lane: Lane; o: RunOptions; program: string | undefined; query: EngineQuery },
  build: (lane: Lane, check: LaneCheck) => Promise<JobOutcome[]>,
): Promise<JobOutcome[]> {
  const local = !lane.node && !lane.plan.nodes?.length && lane.plan.engine === 'podman';
  const images = program ? new StoreImages(program, query) : undefined;
  const jobs =
    local && program && images ? new UpToDateJobs({ program, query, host: hostPlatform(), images }) : undefined;
  const warmups =
    !lane.node && lane.plan.engine === 'podman' && program && images
      ? new WarmupRecords({ program, query, host: hostPlatform(), images })
      : undefined;
  const check = { jobs, images, warmups };
  const fresh = jobs && !o.rebuild ? await jobs.check(lane.plan.jobs) : new Map<Job, BuildRecord[]>();
  if (!fresh.size) return build(lane, check);
  const { plan, reused } = withoutFresh(lane.plan, fresh, o);
  return [...reused, ...(plan.jobs.length ? await build({ ...lane, plan }, check) : [])];
}

/**
 * A lane's plan without its up-to-date jobs (`fresh`), and their outcomes: their cells end as their last build
 * left them. The pulls and warm-ups only those jobs' cells needed go too.
 */
export function withoutFresh(
  lane: Plan,
  fresh: Map<Job, BuildRecord[]>,
  o: RunOptions,
): { plan: Plan; reused: JobOutcome[] } {
  const reused = [...fresh].map(([job, records]): JobOutcome => {
    records.forEach((rec) => o.onStatus?.({ variant: rec.variant, platform: rec.platform }, 'succeeded', rec));
    o.onOutput?.(job, `${job.variant} (${job.platforms.join(', ')}): ${UP_TO_DATE}\n`);
    return { job, status: 'succeeded', records, upToDate: true };
  });
  const jobs = lane.jobs.filter((j) => !fresh.has(j));
  const left = new Set(jobs.flatMap(jobCells).map(cellId));
  const needed = <T extends { cells: Cell[] }>(xs: T[] | undefined) =>
    xs?.map((x) => ({ ...x, cells: x.cells.filter((c) => left.has(cellId(c))) })).filter((x) => x.cells.length);
  return { plan: { ...lane, jobs, pulls: needed(lane.pulls), warmup: needed(lane.warmup) }, reused };
}

/** What the log says of an up-to-date job. */
export const UP_TO_DATE =
  'up to date: nothing it reads changed since its last build, and its images are in the store; not built again (to build it anyway: `multiarch build --rebuild`, or the setting multiarch.skipUpToDate off)';

/**
 * The pull step's hooks, watched: a command that is not a query (a pull, a list made or changed) may change what
 * the base images are in the store, so `images` forgets what it was told, before and after it.
 */
export function watchStore<R extends StepResult>(
  hooks: PrePhaseHooks<R>,
  images: StoreImages | undefined,
): { hooks: PrePhaseHooks<R>; changed: () => boolean } {
  let changed = false;
  const query = (argv: string[]) =>
    ['manifest', 'image'].includes(argv[1] ?? '') && ['exists', 'inspect'].includes(argv[2] ?? '');
  const watch =
    (run: (job: Job, argv: string[]) => Promise<R>) =>
    async (job: Job, argv: string[]): Promise<R> => {
      if (query(argv)) return run(job, argv);
      changed = true;
      images?.forget();
      try {
        return await run(job, argv);
      } finally {
        images?.forget();
      }
    };
  const restore = hooks.execUncancellable;
  return {
    hooks: {
      ...hooks,
      exec: watch((job, argv) => hooks.exec(job, argv)),
      ...(restore ? { execUncancellable: watch((job, argv) => restore(job, argv)) } : {}),
    },
    changed: () => changed,
  };
}

/** Whether `records` are one succeeded record for each of `job`'s cells. */
function sameCells(job: Job, records: BuildRecord[]): boolean {
  const ids = jobCells(job).map(cellId).sort();
  const had = records
    .filter((r) => r.status === 'succeeded')
    .map(cellId)
    .sort();
  return ids.length === had.length && ids.every((id, i) => id === had[i]);
}

function safeList(text: string): StoredImage[] | undefined {
  try {
    return parseImageList(text);
  } catch {
    return undefined;
  }
}

function instanceDigests(text: string): string[] | undefined {
  try {
    const list = JSON.parse(text) as { manifests?: Array<{ digest?: unknown }> };
    const out = (list.manifests ?? []).map((m) => m.digest);
    return out.length && out.every((d): d is string => typeof d === 'string') ? out : undefined;
  } catch {
    return undefined;
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
