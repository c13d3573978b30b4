import { parseReference } from '../reference';
import { loadRegistryHosts, RegistryClient, RegistryError } from '../registry';

/** The image reference a push step sends (`docker push REF`, `podman manifest push … docker://REF`), if it is one. */
export function pushedRef(argv: string[]): string | undefined {
  if (argv[1] === 'push' && argv[0] !== 'podman') return argv[argv.length - 1];
  if (argv[1] === 'manifest' && argv[2] === 'push') {
    const dest = argv[argv.length - 1]!;
    return dest.startsWith('docker://') ? dest.slice('docker://'.length) : undefined;
  }
  return undefined;
}

/**
 * dockerd retries a failed layer upload several times with growing waits, whatever the registry answered
 * (401 and 500 alike), before `docker push` gives up (how long: bench/README.md). Once the second retry is
 * announced (dockerd prints "Retrying in 10 seconds") the registry has failed twice and the rest is waiting,
 * so the push is stopped there; its problem then comes from asking the registry directly (`explainPush`).
 */
export function retryWatch(argv: string[], stop: () => void): ((text: string) => void) | undefined {
  if (argv[1] !== 'push' || argv[0] === 'podman') return undefined;
  let stopped = false;
  return (text) => {
    if (!stopped && /Retrying in (1\d|[2-9]\d) seconds/.test(text)) {
      stopped = true;
      stop();
    }
  };
}

/**
 * Why a push to `ref` failed, in the registry's own words: its answer to reading the tag, which names the
 * auth files and the login command when it wants credentials (the registry client's hint). Undefined when
 * the registry answers that read normally (the engine's own message is then the better one).
 */
export async function explainPush(ref: string, env: NodeJS.ProcessEnv, timeoutMs = 5000): Promise<string | undefined> {
  try {
    const parsed = parseReference(ref);
    await new RegistryClient(await loadRegistryHosts(env), timeoutMs).manifest(parsed, parsed.tag ?? 'latest');
    return undefined;
  } catch (err) {
    if (!(err instanceof RegistryError)) return undefined;
    // A tag that is not there yet is the normal answer before a first push.
    if (/ answered 404 /.test(err.message)) return undefined;
    return `pushing ${ref} failed: ${err.message}`;
  }
}

/**
 * Whether a push failed because it raced another of the run's pushes to the same repository, so that running it
 * once more succeeds (JobExec.run). The registry refuses a manifest that names a blob it cannot find in the
 * repository ("manifest blob unknown"), which happens while another push of a layer both share is still writing it:
 * - buildx: BuildKit pushed its manifest while another build of the same daemon was still uploading the layer;
 *   buildx prints `failed commit on ref "manifest-sha256:…": unexpected status: 400 Bad Request` (BuildKit v0.11.6,
 *   bench/README.md, "A push that raced another build's upload"). The build is run again, its steps from the cache.
 * - a push step (`podman manifest push`, `docker push`): the engine prints the registry's own words. Seen when
 *   three podman jobs pushed their lists to one repository at once (bench/README.md, "A push step that raced").
 *   The push is run again; it finds the layers there and sends only the manifests.
 * The seed's loop, one build at a time, never meets it. Never for a cancelled or successful run.
 */
export function pushRaced(argv: string[], r: { exitCode?: number; cancelled: boolean; output: string }): boolean {
  if (r.exitCode === 0 || r.cancelled) return false;
  if (argv[1] === 'buildx')
    return /failed commit on ref "(?:manifest|index)-sha256:[0-9a-f]{64}": unexpected status: 400 Bad Request/.test(
      r.output,
    );
  return pushedRef(argv) !== undefined && /manifest blob unknown/.test(r.output);
}
