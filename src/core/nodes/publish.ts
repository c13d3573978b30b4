// One image from many machines: moving each node's platform image to where the variant's output goes
// (a registry, an OCI archive, this machine's store). Every command is an argv pointed at its node with
// engineArgs; the one stream between two engines (save on a node → load here) is an execa pipe.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { programsFromEnv, type EnginePrograms } from '../engines/detect';
import { runTool } from '../engines/exec';
import { parseManifestList, platformRefs } from '../engines/podmanOutput';
import { tlsFlags } from '../engines/podmanArgs';
import { partialPath } from '../engines/staging';
import { formatReference, nameOf, parseReference, podmanStoredName, withTag } from '../reference';
import { assembleIndex, loadRegistryHosts, RegistryClient, samePlatform, type IndexPart } from '../registry';
import { describeNode, onNode } from './endpoint';
import { dockerArchiveToOci } from './ociArchive';
import type { BuildNode, NodeEngine } from './types';

export { mergeOciArchives, type ArchivePart } from './ociArchive';

export interface TransferOptions {
  env?: NodeJS.ProcessEnv;
  /** The registry client for pushes (default: one over this machine's registry settings). */
  registry?: RegistryClient;
  programs?: Partial<EnginePrograms>;
  signal?: AbortSignal;
  /** Per command; a push or a save of a big image takes minutes. */
  timeoutMs?: number;
  onOutput?: (text: string) => void;
  /** The platform wanted when `image` is a podman manifest list (see resolveOnNode). */
  platform?: string;
}

export class TransferError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransferError';
  }
}

/**
 * The tag a node's image is pushed under before the index exists. Neither engine pushes without a tag
 * (podman's docker:// destination defaults to :latest, which would move the user's latest; docker pushes
 * a local tag), and the digest is known only once the registry has the manifest, so a digest-only push is
 * not possible. The tag is left in the registry: distribution 2.x cannot delete a tag (DELETE by tag
 * answers 400), and on registries that can, some delete the manifest behind it, which the index needs.
 * Its name is stable per node and image, so a re-run overwrites it instead of adding another, and it
 * never is a tag of the user's.
 */
export function pushTag(node: BuildNode, image: string, repo: string): string {
  const hash = createHash('sha256').update(`${node.name}\n${image}`).digest('hex').slice(0, 12);
  return formatReference(withTag(parseReference(repo), `multiarch-push-${hash}`));
}

/** Pushes `image` from `node`'s store to `repo` (a repository, no tag) and returns the manifest digest the registry holds. */
export async function pushByDigest(
  { node, image }: NodeImage,
  repo: string,
  opts: TransferOptions = {},
): Promise<string> {
  const dest = pushTag(node, image, repo);
  const program = programFor(node.engine, opts);
  const source = await resolveOnNode({ node, image }, opts);
  if (node.engine === 'podman') {
    const dir = await mkdtemp(join(tmpdirOf(opts), 'multiarch-push-'));
    try {
      const digestFile = join(dir, 'digest');
      await run(
        onNode([program, 'push', ...tlsFlags(dest), '--digestfile', digestFile, source, `docker://${dest}`], node),
        node,
        opts,
      );
      // podman-remote 4.3 accepts --digestfile and writes nothing: then the registry says what the tag names.
      const written = (await readFile(digestFile, 'utf8').catch(() => '')).trim();
      const digest = written || (await registryOf(opts).then((c) => c.getManifest(parseReference(dest)))).digest;
      if (!/^sha256:[0-9a-f]{64}$/.test(digest))
        throw new TransferError(`podman push on node ${describeNode(node)} gave no digest (${JSON.stringify(digest)})`);
      return digest;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  await run(onNode([program, 'tag', source, dest], node), node, opts);
  try {
    const out = await run(onNode([program, 'push', dest], node), node, opts);
    return (
      parseDockerPushDigest(out) ??
      fail(
        `docker push on node ${describeNode(node)} printed no digest:\n${out.trim().split('\n').slice(-3).join('\n')}`,
      )
    );
  } finally {
    // Only the name this function added: the image keeps its own tags.
    await run(onNode([program, 'rmi', dest], node), node, opts).catch(() => undefined);
  }
}

/** docker push ends with `<tag>: digest: sha256:… size: N` (CLI 20.10 to 28). */
export function parseDockerPushDigest(output: string): string | undefined {
  return /: digest: (sha256:[0-9a-f]{64}) size: \d+/.exec(output)?.[1];
}

/** An image in a build node's store. */
export interface NodeImage {
  node: BuildNode;
  image: string;
}

export interface PublishPart extends NodeImage {
  platform: string;
}

/**
 * push output across nodes: every node pushes its platform image by digest (in parallel), then one OCI
 * index goes up under each of `tags` (full references), listing those images and any
 * `pushed` already (this machine's own cells). Returns the index digest and the digest per platform.
 */
export async function publishImage(
  client: RegistryClient,
  { tags, parts }: { tags: string[]; parts: PublishPart[] },
  opts: TransferOptions & { pushed?: IndexPart[] } = {},
): Promise<{ index: string; platforms: Record<string, string> }> {
  if (tags.length === 0) throw new TransferError('no tag to publish the image under');
  let index = '';
  let indexParts: IndexPart[] = [];
  // An index names manifests of its own repository: the nodes push to each repository the tags are in.
  for (const repo of [...new Set(tags.map((t) => nameOf(parseReference(t))))]) {
    const digests = await Promise.all(
      parts.map((p) => pushByDigest(p, repo, { registry: client, ...opts, platform: p.platform })),
    );
    indexParts = [...(opts.pushed ?? []), ...parts.map((p, i) => ({ platform: p.platform, digest: digests[i]! }))];
    for (const tag of tags.filter((t) => nameOf(parseReference(t)) === repo))
      index = (await assembleIndex(client, tag, indexParts)).digest;
  }
  return { index, platforms: Object.fromEntries(indexParts.map((p) => [p.platform, p.digest])) };
}

/**
 * Writes `node`'s `image` as an OCI archive at `file` (through `<file>.partial`). podman saves OCI
 * itself; dockerd before 25 saves only Docker archives, which are rewritten as OCI here.
 */
export async function exportOci({ node, image }: NodeImage, file: string, opts: TransferOptions = {}): Promise<void> {
  const program = programFor(node.engine, opts);
  const source = await resolveOnNode({ node, image }, opts);
  const partial = partialPath(file);
  try {
    if (node.engine === 'podman') {
      await run(onNode([program, 'save', '--format', 'oci-archive', '-o', partial, source], node), node, opts);
      await rename(partial, file);
      return;
    }
    const saved = `${partial}.docker`;
    try {
      await run(onNode([program, 'save', '-o', saved, source], node), node, opts);
      await dockerArchiveToOci(saved, file);
    } finally {
      await rm(saved, { force: true });
    }
  } finally {
    await rm(partial, { force: true });
  }
}

export interface LoadOptions extends TransferOptions {
  /** The engine of this machine's store (default: the node's). A Docker archive loads into either. */
  localEngine?: NodeEngine;
  /** Pull this reference (`repo@digest`, what the node pushed) instead of streaming the image from the node. */
  pull?: string;
}

/**
 * Brings `node`'s `image` into this machine's store as `localTag`: `save` on the node piped into `load`
 * here (or a pull of what the node pushed). The tag moves only once the whole image is in.
 */
export async function loadFromNode(
  { node, image }: NodeImage,
  localTag: string,
  opts: LoadOptions = {},
): Promise<void> {
  const local = opts.localEngine ?? node.engine;
  const program = programFor(local, opts);
  if (opts.pull) {
    await run([program, 'pull', ...(local === 'podman' ? tlsFlags(opts.pull) : []), opts.pull], undefined, opts);
    await run([program, 'tag', opts.pull, localTag], undefined, opts);
    return;
  }
  const { execa } = await import('execa');
  const common = {
    env: opts.env ?? process.env,
    extendEnv: false,
    timeout: opts.timeoutMs ?? 30 * 60_000,
    ...(opts.signal ? { cancelSignal: opts.signal } : {}),
  };
  const save = onNode([programFor(node.engine, opts), 'save', await resolveOnNode({ node, image }, opts)], node);
  // Both ends finish before either is judged: when save fails, load fails too, but save's error is the cause.
  const source = execa(save[0]!, save.slice(1), {
    ...common,
    reject: false,
    stdin: 'ignore',
    buffer: { stdout: false },
  });
  const sink = execa(program, ['load'], { ...common, reject: false });
  const piping = source.pipe(sink).catch(() => undefined);
  const [saved, load] = await Promise.all([source, sink, piping]);
  const tail = (r: {
    stderr?: unknown;
    stdout?: unknown;
    shortMessage?: string;
    isCanceled?: boolean;
    timedOut?: boolean;
  }) =>
    r.isCanceled
      ? 'cancelled'
      : r.timedOut
        ? 'timed out'
        : String(r.stderr || r.stdout || '')
            .trim()
            .split('\n')
            .slice(-2)
            .join(' ') || r.shortMessage;
  if (saved.failed) throw new TransferError(`${save.join(' ')} on node ${describeNode(node)} failed: ${tail(saved)}`);
  if (load.failed)
    throw new TransferError(
      `loading ${image} from node ${describeNode(node)} into the local store failed: ${tail(load)}`,
    );
  const loaded =
    parseLoaded(`${load.stdout}\n${load.stderr}`) ??
    fail(`${program} load printed no image name:\n${String(load.stdout)}`);
  // podman stores a name without a registry as localhost/…: the same name, which untagging below would take away.
  const stored = (ref: string) => (local === 'podman' && !ref.startsWith('sha256:') ? podmanStoredName(ref) : ref);
  if (stored(loaded) === stored(localTag)) return;
  await run([program, 'tag', loaded, localTag], undefined, opts);
  // The node's name for the image came along with it; only the local tag is wanted here.
  if (!loaded.startsWith('sha256:'))
    await run(local === 'podman' ? [program, 'untag', localTag, loaded] : [program, 'rmi', loaded], undefined, opts);
}

/** `Loaded image: X` (docker, podman), `Loaded image(s): X` (older podman), `Loaded image ID: sha256:…` (an untagged image). */
export function parseLoaded(output: string): string | undefined {
  const m = /^Loaded image(?:\(s\))?(?: ID)?: (\S+)/m.exec(output);
  return m?.[1]?.split(',')[0];
}

async function registryOf(opts: TransferOptions): Promise<RegistryClient> {
  return opts.registry ?? new RegistryClient(await loadRegistryHosts(opts.env ?? process.env));
}

function programFor(engine: NodeEngine, opts: TransferOptions): string {
  return { ...programsFromEnv(opts.env ?? process.env), ...opts.programs }[engine];
}

function tmpdirOf(opts: TransferOptions): string {
  return (opts.env ?? process.env).TMPDIR ?? '/tmp';
}

/** Runs one command to completion and returns its stdout + stderr (also given to onOutput); a failure says which node. */
async function run(argv: string[], node: BuildNode | undefined, opts: TransferOptions): Promise<string> {
  const r = await runTool(argv, {
    env: opts.env ?? process.env,
    timeoutMs: opts.timeoutMs ?? 30 * 60_000,
    signal: opts.signal,
  });
  const out = [r.stdout, r.stderr].filter(Boolean).join('\n');
  opts.onOutput?.(out);
  if (!r.ok) {
    const where = node ? ` on node ${describeNode(node)}` : '';
    const why = opts.signal?.aborted
      ? 'cancelled'
      : r.timedOut
        ? 'timed out'
        : r.stderr.trim().split('\n').slice(-2).join(' ') || `exit code ${r.exitCode}`;
    throw new TransferError(`${argv.join(' ')}${where} failed: ${why}`);
  }
  return out;
}

/**
 * The reference of `opts.platform`'s image in `node`'s store: a podman manifest list (what a podman build on a
 * node leaves) resolved to that platform's instance as `name@digest`, since podman saves or pushes a
 * list as the host's platform; anything else as it is.
 */
export async function resolveOnNode({ node, image }: NodeImage, opts: TransferOptions = {}): Promise<string> {
  const platform = opts.platform;
  if (node.engine !== 'podman' || !platform) return image;
  const r = await runTool(onNode([programFor('podman', opts), 'manifest', 'inspect', image], node), {
    env: opts.env ?? process.env,
    timeoutMs: 60_000,
  });
  if (!r.ok) return image;
  let entries: ReturnType<typeof parseManifestList>;
  try {
    entries = parseManifestList(r.stdout);
  } catch {
    return image;
  }
  const ref = Object.entries(platformRefs(image, entries)).find(
    ([p]) => samePlatform(p, platform) && (p.split('/')[2] ?? 'v8') === (platform.split('/')[2] ?? 'v8'),
  );
  if (!ref)
    throw new TransferError(
      `${image} on node ${describeNode(node)} has no ${platform} image (it has ${entries.map((e) => e.platform).join(', ') || 'none'}): rebuild that cell`,
    );
  return ref[1];
}

function fail(message: string): never {
  throw new TransferError(message);
}
