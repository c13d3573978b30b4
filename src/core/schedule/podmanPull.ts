import { formatReference, nameOf, normalize, tryParseReference, withDigest } from '../reference';
import type { Failed } from '../errors';
import { tlsFlags } from '../engines/podmanArgs';
import { instancesInStore, parseManifestList, type ManifestEntry } from '../engines/podmanOutput';

/** Runs one podman command (argv[0] is `podman`) and returns its exit status and combined output. */
export type PodmanExec = (argv: string[]) => Promise<{ exitCode?: number; output: string; cancelled?: boolean }>;

export type PullResult = { ok: true } | { ok: false; platform: string; message: string; cancelled?: boolean };

/** `linux/arm64` and `linux/arm64/v8` name the same machine. */
export function samePlatform(a: string, b: string): boolean {
  const norm = (p: string) => (p.endsWith('/arm64/v8') ? p.slice(0, -3) : p);
  return norm(a) === norm(b);
}

const imageIdLine = /^[0-9a-f]{64}$/gm;

/**
 * Makes `image` resolve locally for every one of `platforms`, so the builds that follow never pull it.
 *
 * podman 4.3 keeps one image per name: pulling `--platform linux/arm64` after linux/amd64 moves the name
 * to the arm64 image, and the next amd64 build pulls again; parallel builds doing that race inside the
 * store ("locating pulled image … image not known"). So each missing platform is pulled here, one after
 * the other, and when several platforms are needed the name becomes a local manifest list of the pulled
 * images, which podman resolves per platform (`podman build --platform P`, `podman run --platform P`).
 * A plain image already under the name for one of the platforms is kept and joins the list; a local list
 * (one this made earlier, a `load` output, the user's own, one another run is still filling) gets the platforms
 * it lacks added to it, and the instances it lists but the store lacks pulled, since a build for such a
 * platform would pull into the name itself (and race with the other builds).
 */
/**
 * `restore` runs the steps that give a local list its name back; it must run even after a cancel (default
 * `exec`). `platforms` are pulled in their order; `onReady` hears of each one as soon as builds for it may
 * start (every platform is ready once this resolves ok). `together`: no build starts on one platform alone, so
 * the instances a list names are pulled by digest in one `podman pull`, one podman start-up and store open for
 * them all (bench/README.md, "One pull for a base's platforms").
 */
export interface PullOptions {
  exec: PodmanExec;
  restore?: PodmanExec | undefined;
  onReady?: ((platform: string) => void) | undefined;
  together?: boolean | undefined;
}

/** What the list steps need: the options with `restore` settled. */
type ListOptions = PullOptions & { restore: PodmanExec };

export async function podmanPullOnce(
  image: string,
  platforms: string[],
  { exec, restore = exec, onReady, together = false }: PullOptions,
): Promise<PullResult> {
  const parsed = tryParseReference(image);
  // The name podman stores: docker.io/library/… for Docker Hub's short names.
  const name = parsed ? formatReference(normalize(parsed)) : image;
  // Both asked at once: each is a podman start-up (~0.1 s) in front of the first pull, and neither changes the store.
  const [list, inspected] = await Promise.all([
    exec(['podman', 'manifest', 'exists', name]),
    exec([
      'podman',
      'image',
      'inspect',
      '--format',
      '{{.Os}}/{{.Architecture}}{{if .Variant}}/{{.Variant}}{{end}} {{.ID}}',
      name,
    ]),
  ]);
  if (list.exitCode === 0) return fillLocalList(name, platforms, { exec, restore, onReady, together });
  let local: { platform: string; id: string } | undefined;
  const m = inspected.exitCode === 0 ? /^(\S+) ([0-9a-f]{64})\s*$/m.exec(inspected.output) : null;
  if (m) local = { platform: m[1]!, id: m[2]! };
  const missing = platforms.filter((p) => !local || !samePlatform(local.platform, p));
  if (!missing.length) return { ok: true };
  if (!local && platforms.length > 1 && parsed && parsed.digest === undefined) {
    const listed = await pullIntoNewList(name, platforms, { exec, restore, onReady, together });
    if (listed) return listed;
  }

  const ids: string[] = local && platforms.some((p) => samePlatform(local.platform, p)) ? [local.id] : [];
  for (const platform of missing) {
    const r = await pullPlatform(name, platform, exec);
    if (!('id' in r)) return r;
    ids.push(r.id);
  }
  if (ids.length < 2 || parsed?.digest !== undefined) return { ok: true };

  // The last pull holds the name now: it moves to a list of every platform's image.
  const steps = [
    ['podman', 'untag', ids[ids.length - 1]!, name],
    ['podman', 'manifest', 'create', name, ...ids.map((id) => `containers-storage:${id}`)],
  ];
  for (const argv of steps) {
    const r = await exec(argv);
    if (r.cancelled) return { ok: false, platform: platforms.join(','), message: 'cancelled', cancelled: true };
    if (r.exitCode !== 0)
      return {
        ok: false,
        platform: platforms.join(','),
        message: `${argv.slice(0, 3).join(' ')}: ${lastLines(r.output)}`,
      };
  }
  return { ok: true };
}

/**
 * The name is not in the store: it becomes a local list of the registry's own index first (`manifest add
 * --all`, no image pulled), cut to `platforms`; then each platform is pulled by its digest, which leaves the
 * name on the list. So the first platform's builds can start while the next one is pulled: the list resolves
 * each pulled platform from the start, and no pull ever moves the name. Undefined when the registry's answer
 * does not name every platform (a one-platform image, an index without one of them): the caller pulls by
 * tag, as podman would, and the list is gone again.
 */
async function pullIntoNewList(
  name: string,
  platforms: string[],
  { exec, restore, onReady, together }: ListOptions,
): Promise<PullResult | undefined> {
  const all = platforms.join(',');
  const drop = async () => void (await restore(['podman', 'manifest', 'rm', name]));
  if ((await exec(['podman', 'manifest', 'create', name])).exitCode !== 0) return undefined;
  const added = await exec(['podman', 'manifest', 'add', '--all', ...tlsFlags(name), name, `docker://${name}`]);
  const entries = added.exitCode === 0 ? listEntries((await exec(['podman', 'manifest', 'inspect', name])).output) : [];
  const chosen = platforms.map((p) => entries.find((e) => samePlatform(e.platform, p)));
  if (added.cancelled || chosen.some((e) => !e)) {
    await drop();
    return added.cancelled ? { ok: false, platform: all, message: 'cancelled', cancelled: true } : undefined;
  }
  const kept = new Set(chosen.map((e) => e!.digest));
  // Only the platforms asked for, as a pull by tag would have left: not the index's others or its attestations.
  for (const e of entries.filter((x) => !kept.has(x.digest))) {
    const r = await exec(['podman', 'manifest', 'remove', name, e.digest]);
    if (r.exitCode !== 0) {
      await drop();
      return r.cancelled
        ? { ok: false, platform: all, message: 'cancelled', cancelled: true }
        : { ok: false, platform: all, message: `podman manifest remove: ${lastLines(r.output)}` };
    }
  }
  const pulled = await pullByDigest(
    name,
    platforms.map((platform, i) => ({ platform, digest: chosen[i]!.digest })),
    { exec, onReady, together },
  );
  if (!pulled.ok) await drop();
  return pulled;
}

/**
 * Pulls each entry's instance by digest, which leaves the name on its list: one after the other, each platform
 * ready in turn, or with `together` all in one `podman pull` (a failure then names every platform).
 */
async function pullByDigest(
  name: string,
  entries: { platform: string; digest: string }[],
  { exec, onReady, together }: Pick<PullOptions, 'exec' | 'onReady' | 'together'>,
): Promise<PullResult> {
  const parsed = tryParseReference(name)!;
  const refs = entries.map((e) => formatReference(withDigest(parsed, e.digest)));
  if (together && entries.length > 1) {
    const all = entries.map((e) => e.platform).join(',');
    // No --platform: it would hold for every reference, and each digest names one platform's image already.
    const r = await exec(['podman', 'pull', '-q', ...tlsFlags(name), ...refs]);
    if (r.cancelled) return { ok: false, platform: all, message: 'cancelled', cancelled: true };
    if (r.exitCode !== 0 || [...r.output.matchAll(imageIdLine)].length < entries.length)
      return { ok: false, platform: all, message: lastLines(r.output) || `podman pull exited with ${r.exitCode}` };
    for (const e of entries) onReady?.(e.platform);
    return { ok: true };
  }
  for (const [i, e] of entries.entries()) {
    const r = await pullPlatform(refs[i]!, e.platform, exec);
    if (!('id' in r)) return r;
    onReady?.(e.platform);
  }
  return { ok: true };
}

/** How long, and how often, an empty local list is read again before it counts as empty (fillLocalList). */
export const emptyListWait = { ms: 5000, pollMs: 250 };

/** A local list's entries; undefined when podman's answer is not a list (or the read was cancelled). */
async function inspectList(name: string, exec: PodmanExec): Promise<ManifestEntry[] | undefined> {
  const inspected = await exec(['podman', 'manifest', 'inspect', name]);
  try {
    return parseManifestList(inspected.output);
  } catch {
    return undefined;
  }
}

function listEntries(text: string): ManifestEntry[] {
  try {
    return parseManifestList(text);
  } catch {
    return [];
  }
}

/** Pulls one platform into `name` (the name moves to the pulled image); returns its id or the failure. */
async function pullPlatform(
  name: string,
  platform: string,
  exec: PodmanExec,
): Promise<{ id: string } | Failed<PullResult>> {
  const r = await exec(['podman', 'pull', '-q', ...tlsFlags(name), '--platform', platform, name]);
  if (r.cancelled) return { ok: false, platform, message: 'cancelled', cancelled: true };
  const id = [...r.output.matchAll(imageIdLine)].pop()?.[0];
  if (r.exitCode !== 0 || !id)
    return { ok: false, platform, message: lastLines(r.output) || `podman pull exited with ${r.exitCode}` };
  return { id };
}

/**
 * A local manifest list under `name`. A platform it lists counts only when the store holds that instance too:
 * another run may still be pulling into a list it made from the registry's index (pullIntoNewList), or a run
 * killed mid-pull left one, and a build for such a platform would pull it by itself (and race with the other
 * builds in the store). Those are pulled here by digest, which leaves the name on the list, each ready in turn;
 * a failure leaves the list as it was. Platforms the list lacks are pulled first (fillUnlisted), since that
 * takes the name off the list for a while: the others are ready once it is back.
 */
async function fillLocalList(
  name: string,
  platforms: string[],
  { exec, restore, onReady, together }: ListOptions,
): Promise<PullResult> {
  let entries = await inspectList(name, exec);
  // Another run makes a base's list from the registry index in two steps (`manifest create`, then `manifest
  // add --all`); read between them, the list is empty. It is given a moment to fill before it is taken as the
  // user's own empty list (whose platforms are then pulled by tag, which moves the name for a while).
  for (let waited = 0; entries?.length === 0 && waited < emptyListWait.ms; waited += emptyListWait.pollMs) {
    await new Promise((r) => setTimeout(r, emptyListWait.pollMs));
    entries = await inspectList(name, exec);
  }
  if (!entries) return { ok: true }; // unreadable: leave the list to the build, which reports what is wrong with it
  const parsed = tryParseReference(name);
  if (!parsed || parsed.digest !== undefined) return { ok: true };
  const listed = platforms.flatMap((platform) => {
    const entry = entries.find((e) => samePlatform(e.platform, platform));
    return entry ? [{ platform, digest: entry.digest }] : [];
  });
  const held = await instancesInStore(name, listed, {
    program: 'podman',
    exists: async (argv) => (await exec(argv)).exitCode === 0,
  });
  const absent = listed.filter((_, i) => !held[i]);
  const unlisted = platforms.filter((p) => !listed.some((l) => l.platform === p));
  if (unlisted.length) {
    const filled = await fillUnlisted(name, unlisted, { exec, restore, all: platforms.join(',') });
    if (!filled.ok) return filled;
  }
  for (const p of platforms) if (!absent.some((a) => a.platform === p)) onReady?.(p);
  return pullByDigest(name, absent, { exec, onReady, together });
}

/**
 * Platforms a local list lacks: each is pulled by tag, which moves the name to the pulled image, so the list
 * first gets a holding name (`podman tag` of a list name tags the list); afterwards, whatever happened, the name
 * goes back to the list and the holding name is dropped (`manifest rm` of a list with another name only untags;
 * `untag` would resolve to an instance), and the pulled images are added to it. The list keeps its id and every
 * instance it had. A failed step names `all` (every platform asked for) as the failed platform.
 */
async function fillUnlisted(
  name: string,
  missing: string[],
  { exec, restore, all }: { exec: PodmanExec; restore: PodmanExec; all: string },
): Promise<PullResult> {
  const hold = `${nameOf(tryParseReference(name)!)}:multiarch-pull-hold`;
  const step = async (argv: string[], run = exec): Promise<Failed<PullResult> | undefined> => {
    const r = await run(argv);
    return r.exitCode === 0
      ? undefined
      : {
          ok: false,
          platform: all,
          message: `${argv.slice(0, 3).join(' ')}: ${lastLines(r.output)}`,
          ...(r.cancelled ? { cancelled: true } : {}),
        };
  };
  const held = await step(['podman', 'tag', name, hold]);
  if (held) return held;
  const ids: string[] = [];
  let failure: Failed<PullResult> | undefined;
  for (const platform of missing) {
    const r = await pullPlatform(name, platform, exec);
    if ('id' in r) ids.push(r.id);
    else {
      failure = r;
      break;
    }
  }
  // The name goes back to the list even when the pull was cancelled: what the user had stays.
  for (const argv of [
    ['podman', 'tag', hold, name],
    ['podman', 'manifest', 'rm', hold],
  ]) {
    const failed = await step(argv, restore);
    if (failed) return failure ?? failed;
  }
  if (failure) return failure;
  for (const id of ids) {
    const failed = await step(['podman', 'manifest', 'add', name, `containers-storage:${id}`]);
    if (failed) return failed;
  }
  return { ok: true };
}

function lastLines(text: string, n = 6): string {
  return text.trim().split('\n').slice(-n).join('\n');
}
