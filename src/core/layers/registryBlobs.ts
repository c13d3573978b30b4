// Streams blobs from a registry's HTTP API (GET /v2/<name>/blobs/<digest>), anonymously or with the bearer
// token a public registry hands out; manifests still come from skopeo / buildx imagetools (sizes/registrySizes).
import { Readable } from 'node:stream';
import { isLoopbackDomain, normalize, parseReference, registryApiHost } from '../reference';

export interface BlobFetchOptions {
  /** Plain HTTP (a registry on this machine); default: for loopback registries only. */
  insecure?: boolean;
  fetch?: typeof fetch;
}

function tokenRequest(header: string, scope: string): string | undefined {
  const params = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  if (!/^Bearer /i.test(header) || !params.realm) return undefined;
  const url = new URL(params.realm);
  if (params.service) url.searchParams.set('service', params.service);
  url.searchParams.set('scope', params.scope ?? scope);
  return url.toString();
}

/** A function streaming each blob of `ref`'s repository. */
export function registryBlobReader(ref: string, o: BlobFetchOptions = {}): (digest: string) => Promise<Readable> {
  const parsed = parseReference(ref);
  const name = normalize(parsed).path;
  const host = registryApiHost(parsed);
  const insecure = o.insecure ?? isLoopbackDomain(parsed.domain);
  const doFetch = o.fetch ?? fetch;
  let token: string | undefined;
  return async (digest) => {
    const url = `${insecure ? 'http' : 'https'}://${host}/v2/${name}/blobs/${digest}`;
    const get = () => doFetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, redirect: 'follow' });
    let res = await get();
    if (res.status === 401 && !token) {
      const auth = tokenRequest(res.headers.get('www-authenticate') ?? '', `repository:${name}:pull`);
      await res.body?.cancel();
      if (auth) {
        const t = await doFetch(auth);
        if (t.ok) token = ((await t.json()) as { token?: string; access_token?: string }).token ?? undefined;
        res = await get();
      }
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      const hint = res.status === 401 || res.status === 403 ? ': the registry wants credentials, which this reader does not use; build with output "oci" to compare locally' : '';
      throw new Error(`${host} answered ${res.status} for blob ${digest} of ${name}${hint}`);
    }
    return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  };
}
