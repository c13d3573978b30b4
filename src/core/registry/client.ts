import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { formatReference, normalize, registryApiHost, type ImageReference } from '../reference';
import type { RegistryCredentials, RegistryHosts } from './hosts';

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export class RegistryError extends Error {
  /** The HTTP status the registry answered with, when it answered. */
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

interface Descriptor {
  mediaType?: string;
  digest?: string;
  platform?: { os?: string; architecture?: string; variant?: string };
}

/**
 * The one registry client of the project: the OCI distribution API over fetch (manifests read and written,
 * blobs read), with the bearer token flow (anonymous or with the auth file's credentials, pull or push
 * scope), basic auth, plain HTTP for insecure and loopback registries, and a timeout per request.
 */
/** A repository as the registry API names it: the API host and the repository path. */
interface RegistryRepo {
  host: string;
  repo: string;
}

function repoOf(ref: ImageReference): RegistryRepo {
  return { host: registryApiHost(ref), repo: normalize(ref).path };
}

export class RegistryClient {
  private readonly tokens = new Map<string, { header: string; push: boolean }>();
  /** A credential helper is asked once per host (it may prompt or unlock a keyring). */
  private readonly fromHelpers = new Map<string, RegistryCredentials | undefined>();

  constructor(
    private readonly hosts: RegistryHosts,
    private readonly timeoutMs = 10_000,
  ) {}

  /** The platforms (`os/arch[/variant]`) an image provides: its index's entries, or its one config's. */
  async platforms(ref: ImageReference): Promise<string[]> {
    const at = repoOf(ref);
    const { host, repo } = at;
    const manifest = (await this.getJson(at, `manifests/${ref.digest ?? ref.tag ?? 'latest'}`, MANIFEST_TYPES)) as {
      manifests?: Descriptor[];
      config?: Descriptor;
    };
    if (Array.isArray(manifest.manifests)) {
      const list = manifest.manifests
        .map((m) => m.platform)
        // Attestation manifests carry unknown/unknown.
        .filter((p): p is NonNullable<Descriptor['platform']> => !!p?.os && !!p.architecture && p.os !== 'unknown')
        .map(formatPlatform);
      return [...new Set(list)];
    }
    if (!manifest.config?.digest)
      throw new RegistryError(`${host}/${repo}: the manifest has neither entries nor a config`);
    const config = (await this.getJson(at, `blobs/${manifest.config.digest}`, '*/*')) as NonNullable<
      Descriptor['platform']
    >;
    if (!config.os || !config.architecture) return [];
    return [formatPlatform(config)];
  }

  /** The raw manifest (index or image manifest) `reference` names in `ref`'s repository: a tag or a digest. */
  async manifest(ref: ImageReference, reference: string): Promise<string> {
    return (await this.send(repoOf(ref), `manifests/${reference}`, { accept: MANIFEST_TYPES })).text();
  }

  /**
   * The digest of the manifest `ref`'s tag names now, from a HEAD request: registries that count pulls count
   * a GET of a manifest, not a HEAD. A registry that sends no digest header is asked with a GET.
   */
  async digestOf(ref: ImageReference): Promise<string> {
    if (ref.digest) return ref.digest;
    const res = await this.send(repoOf(ref), `manifests/${ref.tag ?? 'latest'}`, {
      method: 'HEAD',
      accept: MANIFEST_TYPES,
    });
    await res.body?.cancel();
    return res.headers.get('docker-content-digest') ?? (await this.getManifest(ref)).digest;
  }

  /**
   * The manifest `ref` names (its digest, else its tag) as the registry stores it: the exact bytes (an index
   * entry's size and digest are over these), the media type and the digest. A digest reference is checked.
   */
  async getManifest(ref: ImageReference): Promise<ManifestBytes> {
    const res = await this.send(repoOf(ref), `manifests/${ref.digest ?? ref.tag ?? 'latest'}`, {
      accept: MANIFEST_TYPES,
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    const digest = sha256Digest(bytes);
    if (ref.digest && ref.digest !== digest)
      throw new RegistryError(`${formatReference(ref)}: the registry sent a manifest whose digest is ${digest}`);
    const header = res.headers.get('content-type')?.split(';')[0]?.trim();
    const declared = (JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown }).mediaType;
    const mediaType = typeof declared === 'string' ? declared : header;
    if (!mediaType) throw new RegistryError(`${formatReference(ref)}: the manifest has no media type`);
    return { bytes, mediaType, digest };
  }

  /** Stores `bytes` as the manifest `ref`'s tag (or digest) names, with a push-scoped token; returns its digest. */
  async putManifest(ref: ImageReference, bytes: Uint8Array, mediaType: string): Promise<string> {
    const digest = sha256Digest(bytes);
    const res = await this.send(repoOf(ref), `manifests/${ref.tag ?? ref.digest ?? digest}`, {
      method: 'PUT',
      body: bytes,
      contentType: mediaType,
      push: true,
    });
    await res.body?.cancel();
    const stored = res.headers.get('docker-content-digest');
    if (stored && stored !== digest)
      throw new RegistryError(`${formatReference(ref)}: the registry stored the manifest as ${stored}, not ${digest}`);
    return digest;
  }

  /** A small JSON blob (an image config) of `ref`'s repository. */
  async blobJson(ref: ImageReference, digest: string): Promise<unknown> {
    return this.getJson(repoOf(ref), `blobs/${digest}`, '*/*');
  }

  /**
   * A blob of `ref`'s repository as a stream, so a layer is read as it arrives and never stored. The
   * timeout covers the whole body: a layer may take minutes.
   */
  async blob(ref: ImageReference, digest: string, timeoutMs = 10 * 60_000): Promise<Readable> {
    const res = await this.send(repoOf(ref), `blobs/${digest}`, {
      accept: '*/*',
      timeoutMs,
    });
    if (!res.body) throw new RegistryError(`blob ${digest}: empty answer`);
    return Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
  }

  private async getJson(at: RegistryRepo, path: string, accept: string): Promise<unknown> {
    return (await this.send(at, path, { accept })).json();
  }

  /**
   * One API request, authorised on a 401 and sent again. A token is kept per repository with the actions it
   * was granted: a pull token is never offered for a push (the registry would answer 401 insufficient_scope).
   */
  private async send(at: RegistryRepo, path: string, opts: SendOptions): Promise<Response> {
    const { host, repo } = at;
    const url = `${this.hosts.insecure(host) ? 'http' : 'https'}://${host}/v2/${repo}/${path}`;
    const key = `${host}/${repo}`;
    const cached = this.tokens.get(key);
    let res = await this.request(url, opts, cached && (cached.push || !opts.push) ? cached.header : undefined);
    if (res.status === 401) {
      await res.body?.cancel();
      const header = await this.authorize(at, res.headers.get('www-authenticate') ?? '', !!opts.push);
      this.tokens.set(key, { header, push: !!opts.push });
      res = await this.request(url, opts, header);
    }
    if (!res.ok) {
      const detail = await errorDetail(res);
      const hint =
        res.status === 401 || res.status === 403 ? ` — ${this.loginHint(host, opts.push ? 'push to' : 'read')}` : '';
      throw new RegistryError(
        `${opts.method ?? 'GET'} ${url} answered ${res.status} ${res.statusText}${detail}${hint}`,
        res.status,
      );
    }
    return res;
  }

  private async request(url: string, opts: Omit<SendOptions, 'push'>, authorization?: string): Promise<Response> {
    try {
      return await fetch(url, {
        method: opts.method ?? 'GET',
        headers: {
          ...(opts.accept ? { Accept: opts.accept } : {}),
          ...(opts.contentType ? { 'Content-Type': opts.contentType } : {}),
          ...(authorization ? { Authorization: authorization } : {}),
        },
        // A copy with its own ArrayBuffer: what fetch accepts as a body (manifests are a few KB).
        body: opts.body ? new Uint8Array(opts.body) : undefined,
        signal: AbortSignal.timeout(opts.timeoutMs ?? this.timeoutMs),
        redirect: 'follow',
      });
    } catch (err) {
      throw new RegistryError(`${url}: ${reasonOf(err)}`);
    }
  }

  /**
   * The Authorization header a 401 challenge asks for: a bearer token from its realm (scope
   * `repository:<repo>:pull` or `pull,push`, with the auth file's credentials if any), or basic credentials.
   */
  private async authorize({ host, repo }: RegistryRepo, challenge: string, push: boolean): Promise<string> {
    const cred = this.hosts.credentials(host) ?? (await this.helperCredentials(host));
    const basic = cred && `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}`;
    const scheme = /^\s*(\w+)/.exec(challenge)?.[1]?.toLowerCase();
    const action = push ? 'push to' : 'read';
    if (scheme === 'basic') {
      if (!basic)
        throw new RegistryError(
          `${host} asks for a user name and password to ${action} ${repo} — ${this.loginHint(host, action)}`,
        );
      return basic;
    }
    if (scheme !== 'bearer')
      throw new RegistryError(
        `${host} answered 401 with a challenge this client does not know (${challenge || 'none'}) — ${this.loginHint(host, action)}`,
      );
    const params = new Map([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!.toLowerCase(), m[2]!]));
    const realm = params.get('realm');
    if (!realm)
      throw new RegistryError(
        `${host} asked for a bearer token without saying where to get one (no realm in "${challenge}")`,
      );
    const url = new URL(realm);
    if (params.get('service')) url.searchParams.set('service', params.get('service')!);
    // The challenge names the scope of the request that failed; a push always asks for pull and push.
    url.searchParams.set('scope', `repository:${repo}:${push ? 'pull,push' : 'pull'}`);
    const res = await this.request(url.toString(), { accept: 'application/json' }, basic);
    if (!res.ok) {
      await res.body?.cancel();
      throw new RegistryError(
        `the token service ${url.origin} refused to let ${cred ? cred.username : 'an anonymous user'} ${action} ${host}/${repo} (${res.status}) — ${this.loginHint(host, action)}`,
      );
    }
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`the token service ${url.origin} answered without a token`);
    return `Bearer ${token}`;
  }

  private async helperCredentials(host: string): Promise<RegistryCredentials | undefined> {
    if (!this.fromHelpers.has(host)) this.fromHelpers.set(host, await this.hosts.helperCredentials?.(host));
    return this.fromHelpers.get(host);
  }

  /** What to do when a registry wants credentials: which file they were looked for in, and how to fill it. */
  private loginHint(host: string, action: string): string {
    const cred = this.hosts.credentials(host) ?? this.fromHelpers.get(host);
    if (cred) {
      return `the credentials for ${host}${cred.source ? ` in ${cred.source}` : ''} do not allow it: log in again with \`podman login ${host}\` or \`docker login ${host}\` as a user who may ${action} it`;
    }
    const files = this.hosts.authFiles;
    const where = files ? ` (looked in ${files.searched.join(', ')})` : '';
    return `no credentials for ${host}${where}: run \`podman login ${host}\` (writes ${files?.podman ?? '$XDG_RUNTIME_DIR/containers/auth.json'}) or \`docker login ${host}\` (writes ${files?.docker ?? '~/.docker/config.json'}), then try again`;
  }
}

export interface ManifestBytes {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

interface SendOptions {
  method?: 'GET' | 'HEAD' | 'PUT';
  accept?: string;
  body?: Uint8Array;
  contentType?: string;
  /** Needs a push-scoped token. */
  push?: boolean;
  timeoutMs?: number;
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The distribution API's error body (`{"errors":[{"code","message"}]}`) as a short suffix, if there is one. */
async function errorDetail(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { errors?: Array<{ code?: string; message?: string }> };
    const first = body.errors?.[0];
    return first ? `: ${[first.code, first.message].filter(Boolean).join(' ')}` : '';
  } catch {
    return '';
  }
}

export function formatPlatform(p: { os?: string; architecture?: string; variant?: string }): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** Same OS and architecture, as BuildKit compares a base image with the target (the variant aside). */
export function samePlatform(a: string, b: string): boolean {
  const [ao, aa] = a.split('/');
  const [bo, ba] = b.split('/');
  return ao === bo && aa === ba;
}

/** fetch hides the system error (ECONNREFUSED, ENOTFOUND, a timeout) in its cause. */
function reasonOf(err: unknown): string {
  const e = err as {
    name?: string;
    message?: string;
    cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> };
  };
  if (e.name === 'TimeoutError') return 'timed out';
  return e.cause?.code ?? e.cause?.errors?.[0]?.code ?? e.cause?.message ?? e.message ?? String(err);
}
