import { createHash } from 'node:crypto';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Warmup } from '../jobs';
import { cleanPath, parseDockerignore, type IgnoreMatcher } from '../lint/dockerignore';
import { LintModel } from '../lint/model';
import { STATE_DIR_NAME, stateDir, stateDirEscape, writeFileAtomic } from '../state';
import { stageGraph } from './stageGraph';

/** Runs one podman query (argv[0] is the podman program) and says whether it succeeded, with its output. */
export type PodmanQuery = (argv: string[]) => Promise<{ ok: boolean; stdout: string }>;

/** Beyond this many context entries the inputs are not summed up: such a warm-up simply runs. */
export const MAX_CONTEXT_ENTRIES = 20_000;

interface Entry {
  inputs: string;
  image: string;
}

/**
 * A records file under `.multiarch/cache/` (key → entry): read once, written one write after another, each
 * with every entry set by then, so two builds ending together both stay. A file that does not parse counts as
 * empty, and nothing is read or written through a `.multiarch` that links out of the project (the records
 * only save time).
 */
export class RecordsFile<E> {
  private entries?: Promise<Map<string, E>>;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly name: string,
    private readonly valid: (v: unknown) => v is E,
  ) {}

  load(root: string): Promise<Map<string, E>> {
    this.entries ??= (async () => {
      const file = this.file(root);
      const map = new Map<string, E>();
      if (await stateDirEscape(file)) return map;
      try {
        const raw = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
        for (const [k, v] of Object.entries(raw)) if (this.valid(v)) map.set(k, v);
      } catch {
        // Missing or unreadable: everything runs, as it did before any record.
      }
      return map;
    })();
    return this.entries;
  }

  async set(root: string, key: string, entry: E): Promise<void> {
    const entries = await this.load(root);
    entries.set(key, entry);
    const file = this.file(root);
    const write = async () => {
      if (await stateDirEscape(file)) return;
      await writeFileAtomic(file, JSON.stringify(Object.fromEntries(entries), null, 2) + '\n').catch(() => {});
    };
    this.writing = this.writing.then(write, write);
    await this.writing;
  }

  private file(root: string): string {
    return join(stateDir(root), 'cache', this.name);
  }
}

/** What a build reads, summed up by inputsDigest. */
export interface BuildInputs {
  argv: string[];
  /** The Dockerfile text it builds. */
  text: string;
  /** Where argv runs; its last argument is the context. */
  cwd: string;
  platforms: string[];
  /** Anything else the build's result depends on (e.g. a job's generated files). */
  extra?: unknown;
  /** Leave out the context files its COPY and ADD steps read. */
  withoutFiles?: boolean;
}

/**
 * What each image a build starts from is, as its engine would resolve it now: one string per image, which
 * changes when the engine would start from something else. Asked once per run (every job shares its base).
 */
export interface BaseImages {
  state(image: string): Promise<string>;
  /** The store changed (a pull): ask again. */
  forget(): void;
}

/** BaseImages asked once per image until `forget` (the store changed): `ask` says what one image is now. */
export abstract class MemoBaseImages implements BaseImages {
  private readonly states = new Map<string, Promise<string>>();

  forget(): void {
    this.states.clear();
  }

  state(image: string): Promise<string> {
    let s = this.states.get(image);
    if (!s) this.states.set(image, (s = this.ask(image)));
    return s;
  }

  protected abstract ask(image: string): Promise<string>;
}

/**
 * What the images a podman build starts from are in its store, which is all podman reads once the pull step has
 * made them resolve locally: a local list's entries, else the image's id, else `absent`.
 */
export class StoreImages extends MemoBaseImages {
  constructor(
    private readonly program: string,
    private readonly query: PodmanQuery,
  ) {
    super();
  }

  protected async ask(image: string): Promise<string> {
    if ((await this.query([this.program, 'manifest', 'exists', image])).ok) {
      const r = await this.query([this.program, 'manifest', 'inspect', image]);
      return r.ok ? `list ${r.stdout}` : 'unreadable list';
    }
    const r = await this.query([this.program, 'image', 'inspect', '--format', '{{.Id}}', image]);
    return r.ok ? r.stdout.trim() : 'absent';
  }
}

/**
 * A digest of what a build reads: its argv, the Dockerfile text, what each image its stages start from (on each
 * of its platforms) is in the store, and (unless `withoutFiles`) the path, size, modification time and mode of
 * every context file its COPY and ADD steps read; undefined when that cannot be told (the build then runs).
 */
export async function inputsDigest(b: BuildInputs, images: BaseImages, host: string): Promise<string | undefined> {
  try {
    const context = resolve(b.cwd, b.argv[b.argv.length - 1]!);
    const args = buildArgsOf(b.argv);
    const names = [
      ...new Set(
        b.platforms.flatMap((platform) =>
          stageGraph(b.text, { args, platform, host }).flatMap((s) => [...(s.image ? [s.image] : []), ...s.images]),
        ),
      ),
    ].sort();
    const [files, stored] = await Promise.all([
      b.withoutFiles ? [] : contextFiles(context, sourcesOf(b.text)),
      Promise.all(names.map((i) => images.state(i))),
    ]);
    if (!files) return undefined;
    return createHash('sha256')
      .update(
        JSON.stringify({
          argv: b.argv,
          text: b.text,
          images: names.map((i, n) => [i, stored[n]]),
          files,
          ...(b.extra === undefined ? {} : { extra: b.extra }),
        }),
      )
      .digest('hex');
  } catch {
    return undefined;
  }
}

const isEntry = (v: unknown): v is Entry =>
  typeof (v as Entry | undefined)?.inputs === 'string' && typeof (v as Entry).image === 'string';

/**
 * Skips a podman warm-up whose inputs have not changed since it last built, while the image it built is still
 * in the store. A cached warm-up still cost 1.9–3 s before any variant could start (podman hashes every COPY
 * source and contacts the registry for each FROM: bench/README.md, "An unchanged warm-up is skipped"), and the
 * variant builds find the same steps in the cache without it.
 *
 * The inputs (inputsDigest): the warm-up's argv (platform, build args), the Dockerfile text it builds (the cut
 * one), what each image its stages start from is in the store now, and the path, size, modification time and
 * mode of every context file its COPY and ADD steps read (the whole context when a source is a pattern or a
 * `RUN --mount` may read it), `.dockerignore` applied. A skip that was wrong (a file changed within the same
 * millisecond and size) costs time only: the variant builds then run those steps themselves, and podman's
 * own cache decides on content.
 */
export class WarmupRecords {
  private readonly records = new RecordsFile<Entry>('warmups.json', isEntry);
  /** The inputs each warm-up of this run had when it started: recorded with its image once it built. */
  private readonly started = new Map<Warmup, Promise<string | undefined>>();
  private readonly program: string;
  private readonly query: PodmanQuery;
  private readonly host: string;
  private readonly images: StoreImages;

  /** `images`: what the run's base images are in the store, shared with its other checks (asked once). */
  constructor(o: { program: string; query: PodmanQuery; host: string; images?: StoreImages }) {
    ({ program: this.program, query: this.query, host: this.host } = o);
    this.images = o.images ?? new StoreImages(o.program, o.query);
  }

  /** Whether `w` may be skipped: same inputs as when it last built, and its image still in the store. */
  async unchanged(w: Warmup): Promise<boolean> {
    const key = w.marker;
    if (!key || w.node || w.program !== 'podman') return false;
    // Summed up as the warm-up starts, and waited for only when there is a record to compare them with: the base
    // images' state is two podman calls beside the other pull, which a warm-up that never built here (a new project,
    // a first Build All) would otherwise wait for at the head of the run's critical path (bench/README.md, "A
    // warm-up never built in the project").
    const inputs = this.inputs(w);
    this.started.set(w, inputs);
    const last = (await this.records.load(w.cwd)).get(key);
    if (!last || last.inputs !== (await inputs)) return false;
    return (await this.query([this.program, 'image', 'exists', last.image])).ok;
  }

  /** The inputs `unchanged` summed up for `w` are in (a warm-up that failed or was cancelled records nothing). */
  async settled(w: Warmup): Promise<void> {
    await this.started.get(w);
  }

  /** `w` built: its image (the last id its output names) is recorded under the inputs it started with. */
  async built(w: Warmup, output: string): Promise<void> {
    const inputs = await this.started.get(w);
    const image = [...output.matchAll(/^([0-9a-f]{64})\s*$/gm)].pop()?.[1];
    if (!inputs || !image || !w.marker) return;
    await this.records.set(w.cwd, w.marker, { inputs, image });
  }

  private async inputs(w: Warmup): Promise<string | undefined> {
    const cut = Object.values(w.files ?? {})[0];
    const text = cut ?? (await readFile(w.dockerfile, 'utf8').catch(() => undefined));
    if (text === undefined) return undefined;
    // A warm-up builds one platform: its argv names it.
    return inputsDigest({ argv: w.argv, text, cwd: w.cwd, platforms: w.platforms.slice(0, 1) }, this.images, this.host);
  }
}

/** `--build-arg K=V` pairs of an argv. */
function buildArgsOf(argv: string[]): Record<string, string> {
  const args: Record<string, string> = {};
  argv.forEach((a, i) => {
    if (a !== '--build-arg') return;
    const kv = argv[i + 1] ?? '';
    const eq = kv.indexOf('=');
    if (eq > 0) args[kv.slice(0, eq)] = kv.slice(eq + 1);
  });
  return args;
}

/**
 * The context paths `text`'s COPY and ADD steps read (not `--from` a stage or image, not a URL), cleaned;
 * `['']` (the whole context) when a source is a pattern or a variable, or a RUN step mounts something.
 */
export function sourcesOf(text: string): string[] {
  const model = new LintModel(text);
  const paths: string[] = [];
  for (const ins of model.ofKind('COPY', 'ADD', 'RUN')) {
    const kw = model.kw(ins);
    const flags = model.flags(ins).map((f) => f.getName().toLowerCase());
    if (kw === 'RUN') {
      if (flags.includes('mount')) return [''];
      continue;
    }
    if (flags.includes('from')) continue;
    const args = model.args(ins);
    if (args.some((a) => a.getValue().startsWith('<<'))) return [''];
    for (const src of args.slice(0, -1)) {
      const path = src.getValue();
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path) || path.startsWith('git@')) continue;
      if (/[$*?[\\]/.test(path)) return [''];
      paths.push(cleanPath(path));
    }
  }
  return [...new Set(paths)].sort();
}

/**
 * Path, size, modification time and mode of every file and link under `sources` of `context`, `.dockerignore`
 * (or `.containerignore`) applied and the project's state folder left out (the warm-up writes its cut
 * Dockerfile there); undefined past MAX_CONTEXT_ENTRIES or when a source leaves the context.
 */
export async function contextFiles(context: string, sources: string[]): Promise<string[] | undefined> {
  const ignoreText =
    (await readFile(join(context, '.containerignore'), 'utf8').catch(() => undefined)) ??
    (await readFile(join(context, '.dockerignore'), 'utf8').catch(() => undefined));
  const ignore: IgnoreMatcher | undefined = ignoreText === undefined ? undefined : parseDockerignore(ignoreText);
  const out: string[] = [];
  const walk = async (rel: string): Promise<boolean> => {
    if (out.length > MAX_CONTEXT_ENTRIES) return false;
    if (rel === STATE_DIR_NAME || rel.startsWith(`${STATE_DIR_NAME}/`)) return true;
    const ignored = rel !== '' && !!ignore?.ignores(rel);
    // With `!` exceptions an ignored folder may hold files that are not: it is walked all the same.
    if (ignored && !ignore?.hasExclusions) return true;
    const abs = join(context, rel);
    const st = await lstat(abs).catch(() => undefined);
    if (!st) {
      out.push(`${rel}\0missing`);
      return true;
    }
    if (st.isDirectory()) {
      for (const name of (await readdir(abs)).sort()) if (!(await walk(rel ? `${rel}/${name}` : name))) return false;
      return true;
    }
    if (!ignored) out.push(`${rel}\0${st.size}\0${st.mtimeMs}\0${st.mode}`);
    return true;
  };
  for (const s of sources) {
    const abs = resolve(context, s);
    const inside = relative(context, abs);
    if (isAbsolute(inside) || inside === '..' || inside.startsWith(`..${sep}`)) return undefined;
    if (!(await walk(inside.split(sep).join('/')))) return undefined;
  }
  return out;
}
