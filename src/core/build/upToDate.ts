import { readFile } from 'node:fs/promises';
import { cellId, jobCells, type Cell, type Job, type Plan } from '../jobs';
import type { PrePhaseHooks, StepResult } from '../schedule/runSchedule';
import { hostPlatform } from '../engines/emulation';
import type { JobOutcome, Lane, RunOptions } from './runnerTypes';
import type { BuildRecord } from '../results/types';
import { inputsDigest, RecordsFile, StoreImages, WarmupRecords, type BaseImages } from '../schedule/warmupSkip';
import type { RegistryClient } from '../registry';
import type { EngineQuery } from './engineQuery';
import { lockedCells } from './lockFiles';
import { joinParts } from '../schedule/podmanParts';
import { DockerBaseImages, DockerOutputs, PodmanOutputs, type JobOutputs, type MadeOutput } from './jobOutputs';

/** What a job's last successful build read and made, with its records. */
interface JobEntry extends MadeOutput {
  /** inputsDigest of the job when that build started. */
  inputs: string;
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
 * The jobs a Build All need not run: nothing a job reads changed since its last successful build (inputsDigest:
 * argv, Dockerfile, base images as the engine would resolve them, the context files its COPY and ADD steps read),
 * its tag still names what that build made (podman: the same manifest list, every image of it in the store;
 * dockerd: the same image), and no build of its cells runs or was killed since (a lock file of a cell: the job then
 * builds as before, after the other build, or clearing what the killed one left). Such a job's cells end as that
 * build left them, with its records. A cached build of an unchanged job still cost 0.3–3 s of processes per job
 * (bench/README.md, "An up-to-date job is not built again"), and podman's replace-on-success added five more
 * calls per job; `RunOptions.rebuild` builds them all the same (on podman each as one build: rebuildCached).
 *
 * Only this machine's podman or dockerd, images kept in the store (`load`), one tag per job, and plans without
 * build nodes: there the store can be asked cheaply and holds the whole result. Records are in
 * `.multiarch/cache/jobs.json` (one project per instance, as the plan's jobs share its root).
 */
export class UpToDateJobs {
  private readonly records = new RecordsFile<JobEntry>('jobs.json', isEntry);
  /** Each eligible job's inputs when this run started: recorded with what it made once it succeeded. */
  private readonly started = new Map<Job, string>();
  /** Jobs built in another form (standFor): the plan's job each stands for. */
  private readonly forms = new Map<Job, Job>();
  /** What the tag of each job `check` found up to date names now: what its last build made. */
  private readonly madeNow = new Map<Job, MadeOutput>();

  private readonly host: string;
  private readonly images: BaseImages;
  private readonly outputs: JobOutputs;

  constructor(o: { host: string; images: BaseImages; outputs: JobOutputs }) {
    ({ host: this.host, images: this.images, outputs: this.outputs } = o);
  }

  static eligible(job: Job): boolean {
    const common = !job.node && job.output === 'load' && job.tags.length === 1 && !!job.dockerfile;
    if (!common) return false;
    if (job.engine === 'podman')
      return job.program === 'podman' && !!job.staging?.replaces && !job.keepPlatforms?.length;
    // dockerd names the image only once its build succeeded: a load job has no steps after its build.
    return job.engine === 'docker' && job.program === 'docker' && !job.staging && !job.after?.length;
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
    const inputs = await Promise.all(eligible.map((j) => this.inputs(this.forms.get(j) ?? j)));
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

  /** The instances the tag of `job` names, when `check` found it up to date. */
  instancesOf(job: Job): string[] | undefined {
    return this.madeNow.get(job)?.instances;
  }

  /** `whole` builds in place of `job` (the same job in another form): it records under `job`'s inputs. */
  standFor(whole: Job, job: Job): void {
    this.forms.set(whole, job);
    const inputs = this.started.get(job);
    if (inputs) this.started.set(whole, inputs);
  }

  /** The jobs of `jobs` that need not build, each with the records of the build that made its images. */
  async check(jobs: Job[]): Promise<Map<Job, BuildRecord[]>> {
    const fresh = new Map<Job, BuildRecord[]>();
    const entries = jobs[0] ? await this.records.load(jobs[0].cwd) : new Map<string, JobEntry>();
    const known = jobs.filter((j) => UpToDateJobs.eligible(j) && entries.has(j.id));
    // Nothing recorded (a first build): the inputs are summed up once the pulls are done, beside the builds.
    if (!known.length) return fresh;
    const unchanged = this.outputs.checker();
    // What the tags name is asked beside the inputs. A lock file of a cell: another build of it runs (the job then
    // waits for it and builds after it), or one was killed and left working containers that only a build clears.
    const outputs = new Map(
      known.map((j) => [
        j,
        lockedCells(j.cwd, jobCells(j))
          .then((locked) => !locked && unchanged(j, entries.get(j.id)!))
          .catch(() => false),
      ]),
    );
    for (const { job, inputs } of await this.start(jobs)) {
      const entry = entries.get(job.id);
      if (entry?.inputs === inputs && sameCells(job, entry.records) && (await outputs.get(job))) {
        fresh.set(job, entry.records);
        this.madeNow.set(job, { manifest: entry.manifest, instances: entry.instances });
      }
    }
    return fresh;
  }

  /**
   * `job` succeeded with `records`: what its tag names now is recorded under the inputs it started with; a record
   * that cannot be made only means the job builds next time. `tagsStay`: its build made again what its tag named
   * when `check` looked (madeAgain.ts), so that is what it names, unasked.
   */
  async built(job: Job, records: BuildRecord[], tagsStay = false): Promise<void> {
    await this.summing;
    const inputs = this.started.get(job);
    if (!inputs || !job.tags[0]) return;
    const known = tagsStay ? this.madeNow.get(this.forms.get(job) ?? job) : undefined;
    const made = known ?? (await this.outputs.made(job));
    if (made) await this.records.set(job.cwd, job.id, { inputs, ...made, records });
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
  /** What the lane's base images are (podman: in its store, which the pull step changes). */
  images?: BaseImages;
  /** The lane's warm-ups that need not run again (this machine's podman). */
  warmups?: WarmupRecords;
}

/**
 * A lane on this machine's podman or dockerd: the jobs nothing changed for end as their last build left them
 * (unless `o.rebuild`), and `build` runs the others with what records them for the next run and, on podman, the
 * warm-up skip, which shares the base images' answers. `registry` is asked for dockerd's base images.
 */
export async function upToDateFirst(
  {
    lane,
    o,
    program,
    query,
    registry,
  }: {
    lane: Lane;
    o: RunOptions;
    program: string | undefined;
    query: EngineQuery;
    registry: () => Promise<RegistryClient>;
  },
  build: (lane: Lane, check: LaneCheck) => Promise<JobOutcome[]>,
): Promise<JobOutcome[]> {
  const { engine } = lane.plan;
  const local = !lane.node && !lane.plan.nodes?.length;
  let check: LaneCheck = {};
  if (program && engine === 'podman') {
    const images = new StoreImages(program, query);
    const host = hostPlatform();
    check = {
      images,
      jobs: local ? new UpToDateJobs({ host, images, outputs: new PodmanOutputs(program, query) }) : undefined,
      warmups: lane.node ? undefined : new WarmupRecords({ program, query, host, images }),
    };
  } else if (program && engine === 'docker' && local) {
    const images = new DockerBaseImages(program, query, registry);
    check = {
      images,
      jobs: new UpToDateJobs({ host: hostPlatform(), images, outputs: new DockerOutputs(program, query) }),
    };
  }
  const { jobs } = check;
  // A podman rebuild asks too: what it finds unchanged builds as one process, with no pull (rebuildCached).
  const ask = jobs && (!o.rebuild || engine === 'podman');
  const fresh = ask ? await jobs.check(lane.plan.jobs) : new Map<Job, BuildRecord[]>();
  if (!fresh.size) return build(lane, check);
  if (o.rebuild && jobs) return rebuildCached({ lane, fresh, jobs }, (l) => build(l, check));
  const { plan, reused } = withoutFresh(lane.plan, fresh, o);
  return [...reused, ...(plan.jobs.length ? await build({ ...lane, plan }, check) : [])];
}

/**
 * `--rebuild` of a lane whose `fresh` jobs nothing changed for: each builds all the same, but as one process for
 * all its platforms (joinParts), with no pull or warm-up for its cells (their images are in the store, as the
 * check found). Every step of those builds comes from the cache, so the split only added builds and their
 * clean-up (bench/README.md, "A rebuild of an unchanged job is one build"); and a build that made the same
 * images again leaves its tag where it is (madeBefore). A joined job records what it made under the inputs its
 * split form read, so the next run finds it up to date; the outcomes name the plan's jobs.
 */
async function rebuildCached(
  { lane, fresh, jobs }: { lane: Lane; fresh: Map<Job, BuildRecord[]>; jobs: UpToDateJobs },
  build: (lane: Lane) => Promise<JobOutcome[]>,
): Promise<JobOutcome[]> {
  const planned = new Map<Job, Job>();
  const joined = lane.plan.jobs.map((job) => {
    if (!fresh.has(job)) return job;
    const whole = madeBefore(joinParts(job), jobs.instancesOf(job));
    planned.set(whole, job);
    jobs.standFor(whole, job);
    return whole;
  });
  const { plan } = withoutFresh(lane.plan, fresh, {});
  const outcomes = await build({ ...lane, plan: { ...plan, jobs: joined } });
  return outcomes.map((x) => ({ ...x, job: planned.get(x.job) ?? x.job }));
}

/** `job` (one `--manifest` build) knowing the instances its tag names now, when they are known (madeAgain.ts). */
function madeBefore(job: Job, instances: string[] | undefined): Job {
  const at = job.argv.indexOf('--manifest');
  const list = at < 0 ? undefined : job.argv[at + 1];
  return list && instances?.length ? { ...job, madeBefore: { list, instances } } : job;
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
  images: BaseImages | undefined,
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
