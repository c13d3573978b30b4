import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { normalize, registryApiHost, type ImageReference } from '../reference';
import type { RegistryHosts } from './hosts';

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export class RegistryError extends Error {
  constructor(message: string) {
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
 * The one registry client of the project: the OCI distribution API over fetch, with the anonymous (or
 * auth-file) bearer token flow, plain HTTP for insecure and loopback registries, and a timeout per request.
 */
export class RegistryClient {
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly hosts: RegistryHosts,
    private readonly timeoutMs = 10_000,
  ) {}

  /** The platforms (`os/arch[/variant]`) an image provides: its index's entries, or its one config's. */
  async platforms(ref: ImageReference): Promise<string[]> {
    const repo = normalize(ref).path;
    const host = registryApiHost(ref);
    const manifest = (await this.getJson(host, repo, `manifests/${ref.digest ?? ref.tag ?? 'latest'}`, MANIFEST_TYPES)) as {
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
    if (!manifest.config?.digest) throw new RegistryError(`${host}/${repo}: the manifest has neither entries nor a config`);
    const config = (await this.getJson(host, repo, `blobs/${manifest.config.digest}`, '*/*')) as NonNullable<Descriptor['platform']>;
    if (!config.os || !config.architecture) return [];
    return [formatPlatform(config)];
  }

  /** The raw manifest (index or image manifest) `reference` names in `ref`'s repository: a tag or a digest. */
  async manifest(ref: ImageReference, reference: string): Promise<string> {
    return (await this.get(registryApiHost(ref), normalize(ref).path, `manifests/${reference}`, MANIFEST_TYPES)).text();
  }

  /**
   * A blob of `ref`'s repository as a stream, so a layer is read as it arrives and never stored. The
   * timeout covers the whole body: a layer may take minutes.
   */
  async blob(ref: ImageReference, digest: string, timeoutMs = 10 * 60_000): Promise<Readable> {
    const res = await this.get(registryApiHost(ref), normalize(ref).path, `blobs/${digest}`, '*/*', timeoutMs);
    if (!res.body) throw new RegistryError(`blob ${digest}: empty answer`);
    return Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
  }

  private async getJson(host: string, repo: string, path: string, accept: string): Promise<unknown> {
    return (await this.get(host, repo, path, accept)).json();
  }

  private async get(host: string, repo: string, path: string, accept: string, timeoutMs = this.timeoutMs): Promise<Response> {
    const url = `${this.hosts.insecure(host) ? 'http' : 'https'}://${host}/v2/${repo}/${path}`;
    const key = `${host}/${repo}`;
    let res = await this.request(url, accept, this.tokens.get(key), timeoutMs);
    if (res.status === 401) {
      await res.body?.cancel();
      const auth = await this.authorize(host, repo, res.headers.get('www-authenticate') ?? '');
      if (auth) {
        this.tokens.set(key, auth);
        res = await this.request(url, accept, auth, timeoutMs);
      }
    }
    if (!res.ok) {
      await res.body?.cancel();
      const hint = res.status === 401 || res.status === 403 ? ' (log in with docker login or podman login first)' : '';
      throw new RegistryError(`${url} answered ${res.status} ${res.statusText}${hint}`);
    }
    return res;
  }

  private async request(url: string, accept: string, authorization?: string, timeoutMs = this.timeoutMs): Promise<Response> {
    try {
      return await fetch(url, {
        headers: { Accept: accept, ...(authorization ? { Authorization: authorization } : {}) },
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'follow',
      });
    } catch (err) {
      throw new RegistryError(`${url}: ${reasonOf(err)}`);
    }
  }

  /** The Authorization header a 401 challenge asks for: a bearer token from its realm, or basic credentials. */
  private async authorize(host: string, repo: string, challenge: string): Promise<string | undefined> {
    const cred = this.hosts.credentials(host);
    const basic = cred && `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}`;
    const scheme = /^\s*(\w+)/.exec(challenge)?.[1]?.toLowerCase();
    if (scheme === 'basic') return basic;
    if (scheme !== 'bearer') return undefined;
    const params = new Map([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1].toLowerCase(), m[2]]));
    const realm = params.get('realm');
    if (!realm) return undefined;
    const url = new URL(realm);
    if (params.get('service')) url.searchParams.set('service', params.get('service')!);
    url.searchParams.set('scope', params.get('scope') ?? `repository:${repo}:pull`);
    const res = await this.request(url.toString(), 'application/json', basic);
    if (!res.ok) throw new RegistryError(`token from ${url.origin} answered ${res.status}`);
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    return token ? `Bearer ${token}` : undefined;
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
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } };
  if (e.name === 'TimeoutError') return 'timed out';
  return e.cause?.code ?? e.cause?.errors?.[0]?.code ?? e.cause?.message ?? e.message ?? String(err);
}
