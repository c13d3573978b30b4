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
 * Whether a buildx build failed because BuildKit pushed its manifest while another build of the same daemon was
 * still uploading a layer both share to the same repository: the registry refuses the manifest ("manifest blob
 * unknown") and buildx prints `failed commit on ref "manifest-sha256:…": unexpected status: 400 Bad Request`.
 * Seen with BuildKit v0.11.6 when Build All's parallel builds of one base pushed at once (bench/README.md, "A push
 * that raced another build's upload"); the seed's loop, one build at a time, never meets it. The layer is in the
 * registry a moment later and the build's steps are cached, so the build is run once more (JobExec.run).
 */
export function pushRaced(argv: string[], r: { exitCode?: number; cancelled: boolean; output: string }): boolean {
  return (
    argv[1] === 'buildx' &&
    r.exitCode !== 0 &&
    !r.cancelled &&
    /failed commit on ref "(?:manifest|index)-sha256:[0-9a-f]{64}": unexpected status: 400 Bad Request/.test(r.output)
  );
}
