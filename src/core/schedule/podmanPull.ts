import { formatReference, normalize, tryParseReference } from '../reference';
import { tlsFlags } from '../engines/podmanArgs';

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
 * A plain image already under the name for one of the platforms is kept and joins the list.
 */
export async function podmanPullOnce(image: string, platforms: string[], exec: PodmanExec): Promise<PullResult> {
  const parsed = tryParseReference(image);
  // The name podman stores: docker.io/library/… for Docker Hub's short names.
  const name = parsed ? formatReference(normalize(parsed)) : image;
  // A local list under the name (one this made earlier, or the user's own) already resolves per platform;
  // pulling into the name would take it away from the list, so it is left as it is.
  if ((await exec(['podman', 'manifest', 'exists', name])).exitCode === 0) return { ok: true };
  let local: { platform: string; id: string } | undefined;
  const inspected = await exec(['podman', 'image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}{{if .Variant}}/{{.Variant}}{{end}} {{.ID}}', name]);
  const m = inspected.exitCode === 0 ? /^(\S+) ([0-9a-f]{64})\s*$/m.exec(inspected.output) : null;
  if (m) local = { platform: m[1]!, id: m[2]! };
  const missing = platforms.filter((p) => !local || !samePlatform(local.platform, p));
  if (!missing.length) return { ok: true };

  const ids: string[] = local && platforms.some((p) => samePlatform(local.platform, p)) ? [local.id] : [];
  for (const platform of missing) {
    const r = await exec(['podman', 'pull', '-q', ...tlsFlags(name), '--platform', platform, name]);
    if (r.cancelled) return { ok: false, platform, message: 'cancelled', cancelled: true };
    const id = [...r.output.matchAll(imageIdLine)].pop()?.[0];
    if (r.exitCode !== 0 || !id) return { ok: false, platform, message: lastLines(r.output) || `podman pull exited with ${r.exitCode}` };
    ids.push(id);
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
    if (r.exitCode !== 0) return { ok: false, platform: platforms.join(','), message: `${argv.slice(0, 3).join(' ')}: ${lastLines(r.output)}` };
  }
  return { ok: true };
}

function lastLines(text: string, n = 6): string {
  return text.trim().split('\n').slice(-n).join('\n');
}
