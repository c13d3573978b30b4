import { obj, parseJsonWith, str } from './jsonSchema';
import { programsFromEnv, type EnginePrograms } from './detect';
import { runTool, type ToolOptions, type ToolRunner } from './exec';
import { parseManifestList } from './podmanOutput';
import { tryParseReference } from '../reference';
import { TaskQueue } from '../taskQueue';

/** Engine processes one local look-up function runs at once, whatever the number of look-ups waiting. */
export const LOCAL_LOOKUP_PROCESSES = 4;

/** What this machine's image stores hold under a name. */
export interface LocalPlatforms {
  platforms: string[];
  /**
   * True for a podman manifest list: every platform a build FROM it can use. An image is only the
   * platform it was built or pulled for, so the registry's answer is better when there is one.
   */
  list: boolean;
}

export type LocalPlatformLookup = (image: string) => Promise<LocalPlatforms | undefined>;

const inspectSchema = { type: 'array', items: obj({ Os: str, Architecture: str, Variant: str }) };

/** The platform `podman image inspect` / `docker image inspect` JSON names. */
export function parseInspectPlatform(text: string): string | undefined {
  const first = parseJsonWith<Array<{ Os?: string; Architecture?: string; Variant?: string }>>(
    inspectSchema,
    text,
    'image inspect',
  )[0];
  if (!first?.Os || !first.Architecture) return undefined;
  return [first.Os, first.Architecture, first.Variant].filter(Boolean).join('/');
}

export interface LocalLookupOptions {
  programs?: EnginePrograms;
  env?: NodeJS.ProcessEnv;
  /** Per command; a hung daemon costs at most this. */
  timeoutMs?: number;
  run?: ToolRunner;
  /** How long one listing of a store's names answers for (default 10 s): a lint of many variants lists once. */
  listingTtlMs?: number;
  now?: () => number;
}

/**
 * A name as a store might list it, without its registry (stores and short-name resolution differ there):
 * `path:tag`, Docker Hub's `library/` dropped. A digest reference has no such key: it is always asked for.
 */
export function storeKey(image: string): string | undefined {
  const ref = tryParseReference(image);
  if (!ref || ref.digest) return undefined;
  return `${ref.path.replace(/^library\//, '')}:${ref.tag ?? 'latest'}`;
}

/**
 * The keys of every name a store lists, with one `images` command. Undefined when the listing fails
 * (podman 4.3 cannot list a store holding a broken manifest list): then each image is asked for.
 */
async function listStore(run: ToolRunner, program: string, t: ToolOptions): Promise<Set<string> | undefined> {
  const r = await run([program, 'images', '--format', '{{.Repository}}:{{.Tag}}'], t);
  if (!r.ok) return undefined;
  const keys = new Set<string>();
  for (const line of r.stdout.split('\n')) {
    const key = storeKey(line.trim());
    if (key) keys.add(key);
  }
  return keys;
}

/**
 * Looks an image up in podman's store (a manifest list first, then an image) and in dockerd's, at once;
 * an engine that is missing, stopped or slow simply does not answer. Never touches the network: podman's
 * `manifest inspect` runs only after `manifest exists` found the list locally. Each store's names are listed
 * once per `listingTtlMs`, and a name neither lists costs no process at all (a lint of 1,000 variants with a
 * base image each ran three processes per image before).
 */
export function localPlatformLookup(opts: LocalLookupOptions = {}): LocalPlatformLookup {
  const programs = opts.programs ?? programsFromEnv(opts.env ?? process.env);
  const queue = new TaskQueue(LOCAL_LOOKUP_PROCESSES);
  const runner = opts.run ?? runTool;
  const run: ToolRunner = (argv, o) => queue.run(() => runner(argv, o));
  const t: ToolOptions = { timeoutMs: opts.timeoutMs ?? 5000, env: opts.env };
  const ttl = opts.listingTtlMs ?? 10_000;
  const now = opts.now ?? Date.now;
  const listings = new Map<string, { at: number; keys: Promise<Set<string> | undefined> }>();
  /** Whether the engine's store may hold `image`: false only when its fresh listing lacks the name. */
  const mayHold = async (engine: keyof EnginePrograms, image: string) => {
    const key = storeKey(image);
    if (!key) return true;
    let l = listings.get(engine);
    if (!l || now() - l.at >= ttl || now() < l.at) {
      l = { at: now(), keys: listStore(run, programs[engine], t) };
      listings.set(engine, l);
    }
    const keys = await l.keys;
    return !keys || keys.has(key);
  };
  const platformOf = async (argv: string[]) => {
    const r = await run(argv, t);
    if (!r.ok) return undefined;
    try {
      return parseInspectPlatform(r.stdout);
    } catch {
      return undefined;
    }
  };
  const podman = async (image: string): Promise<LocalPlatforms | undefined> => {
    if (!(await mayHold('podman', image))) return undefined;
    if ((await run([programs.podman, 'manifest', 'exists', image], t)).ok) {
      const r = await run([programs.podman, 'manifest', 'inspect', image], t);
      try {
        const platforms = r.ok ? [...new Set(parseManifestList(r.stdout).map((e) => e.platform))] : [];
        if (platforms.length) return { platforms, list: true };
      } catch {
        // Not a list podman can read: ask for the image below.
      }
    }
    const p = await platformOf([programs.podman, 'image', 'inspect', image]);
    return p ? { platforms: [p], list: false } : undefined;
  };
  const docker = async (image: string): Promise<LocalPlatforms | undefined> => {
    if (!(await mayHold('docker', image))) return undefined;
    const p = await platformOf([programs.docker, 'image', 'inspect', image]);
    return p ? { platforms: [p], list: false } : undefined;
  };
  return async (image) => {
    const answers = (await Promise.all([podman(image), docker(image)])).filter((a): a is LocalPlatforms => !!a);
    const list = answers.find((a) => a.list);
    if (list) return list;
    if (!answers.length) return undefined;
    return { platforms: [...new Set(answers.flatMap((a) => a.platforms))], list: false };
  };
}
