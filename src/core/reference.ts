// Image references, the grammar of github.com/distribution/reference (what docker, BuildKit and podman accept):
//
//   reference  := name [ ":" tag ] [ "@" digest ]
//   name       := [ domain "/" ] path            (at most 255 characters)
//   domain     := host [ ":" port ]              host: DNS-like components, or [IPv6]
//   path       := component ( "/" component )*   component: [a-z0-9]+ ( ( [._] | __ | -+ ) [a-z0-9]+ )*
//   tag        := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
//   digest     := algorithm ":" hex               sha256/sha384/sha512 with their exact lowercase hex length
//
// The first "/"-separated part is a domain only when it contains "." or ":", is "localhost", or has an
// uppercase letter (distribution's splitDockerDomain); otherwise the name has no domain. A parsed reference
// keeps what was written, so formatting gives back the same string and an engine sees the name the user
// chose (podman resolves a short name differently from docker.io/library/…); `normalize` applies Docker
// Hub's defaults when a canonical form is needed.

/** Docker Hub as it appears in a normalized name. */
export const DOCKER_HUB_DOMAIN = 'docker.io';
/** The host that serves Docker Hub's registry API (`/v2/`). */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
const LEGACY_HUB_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
const NAME_MAX = 255;

export interface ImageReference {
  /** `host[:port]` as written; absent when the name gives none (Docker Hub for docker, short-name lookup for podman). */
  domain?: string;
  /** Repository path as written, e.g. `acme/app`, `alpine`. */
  path: string;
  tag?: string;
  digest?: string;
}

export class ReferenceError extends Error {
  constructor(
    readonly reference: string,
    readonly reason: string,
  ) {
    super(`invalid image reference "${reference}": ${reason}`);
    this.name = 'ReferenceError';
  }
}

const alnum = '[a-z0-9]+';
const pathComponent = new RegExp(`^${alnum}(?:(?:[._]|__|-+)${alnum})*$`);
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainPattern = new RegExp(`^(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const tagPattern = /^[\w][\w.-]{0,127}$/;
const digestPattern = /^([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*):([0-9a-fA-F]{32,})$/;
const identifierPattern = /^[a-f0-9]{64}$/;
/** go-digest's registered algorithms and the length of their hex encoding. */
const digestHexLength: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** Whether the part before the first "/" names a registry rather than the first path component. */
function looksLikeDomain(part: string): boolean {
  return part.includes('.') || part.includes(':') || part === 'localhost' || part.toLowerCase() !== part;
}

/** Parses `ref` the way `docker build -t`/`docker pull` do (distribution's ParseNormalizedNamed), keeping what was written. */
export function parseReference(ref: string): ImageReference {
  const fail = (reason: string): never => {
    throw new ReferenceError(ref, reason);
  };
  if (!ref) fail('it is empty');
  if (identifierPattern.test(ref)) fail('a 64-character hexadecimal string is an image ID, not a name');

  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const named = at >= 0 ? ref.slice(0, at) : ref;
  const colon = named.lastIndexOf(':');
  const tagged = colon > named.lastIndexOf('/');
  const tag = tagged ? named.slice(colon + 1) : undefined;
  const name = tagged ? named.slice(0, colon) : named;

  const slash = name.indexOf('/');
  const first = slash >= 0 ? name.slice(0, slash) : '';
  const domain = slash >= 0 && looksLikeDomain(first) ? first : undefined;
  const path = domain !== undefined ? name.slice(slash + 1) : name;

  if (domain !== undefined && !domainPattern.test(domain)) fail(`"${domain}" is not a registry host[:port]`);
  if (path.toLowerCase() !== path) fail(`the repository name "${path}" must be lowercase`);
  if (!path || !path.split('/').every((c) => pathComponent.test(c))) {
    fail(`"${path}" is not a repository path (lowercase letters, digits and single . _ __ - separators between "/")`);
  }
  if (name.length > NAME_MAX) fail(`the name is longer than ${NAME_MAX} characters`);
  if (tag !== undefined && !tagPattern.test(tag))
    fail(`"${tag}" is not a tag (letters, digits, _ . -, up to 128, not starting with . or -)`);
  if (digest !== undefined) checkDigest(digest, fail);

  const parsed: ImageReference = { path };
  if (domain !== undefined) parsed.domain = domain;
  if (tag !== undefined) parsed.tag = tag;
  if (digest !== undefined) parsed.digest = digest;
  return parsed;
}

function checkDigest(digest: string, fail: (reason: string) => never): void {
  const m = digestPattern.exec(digest);
  if (!m) return fail(`"${digest}" is not a digest (algorithm:hex)`);
  const want = digestHexLength[m[1]!];
  if (want === undefined) return fail(`unsupported digest algorithm "${m[1]}"`);
  if (m[2]!.length !== want || !/^[a-f0-9]+$/.test(m[2]!))
    fail(`a ${m[1]} digest has ${want} lowercase hex characters`);
}

/** The parsed reference, or undefined when `ref` is not valid. */
export function tryParseReference(ref: string): ImageReference | undefined {
  try {
    return parseReference(ref);
  } catch (err) {
    if (err instanceof ReferenceError) return undefined;
    throw err;
  }
}

export function isValidReference(ref: string): boolean {
  return tryParseReference(ref) !== undefined;
}

/** `[domain/]path`, as written. */
export function nameOf(ref: ImageReference): string {
  return ref.domain !== undefined ? `${ref.domain}/${ref.path}` : ref.path;
}

/** The reference as text; `formatReference(parseReference(s)) === s` for every valid `s`. */
export function formatReference(ref: ImageReference): string {
  return `${nameOf(ref)}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** Docker Hub's defaults applied: `alpine` → `docker.io/library/alpine`, `index.docker.io/x` → `docker.io/library/x`. */
export function normalize(ref: ImageReference): ImageReference & { domain: string } {
  const domain = ref.domain === undefined || ref.domain === LEGACY_HUB_DOMAIN ? DOCKER_HUB_DOMAIN : ref.domain;
  const path = domain === DOCKER_HUB_DOMAIN && !ref.path.includes('/') ? OFFICIAL_REPO_PREFIX + ref.path : ref.path;
  return { ...ref, domain, path };
}

/** The shortest text naming the same image on docker (`docker.io/library/alpine:3` → `alpine:3`). */
export function familiarString(ref: ImageReference): string {
  const n = normalize(ref);
  if (n.domain !== DOCKER_HUB_DOMAIN) return formatReference(n);
  const rest = n.path.slice(OFFICIAL_REPO_PREFIX.length);
  const path = n.path.startsWith(OFFICIAL_REPO_PREFIX) && !rest.includes('/') ? rest : n.path;
  // `docker.io/a.b/c` must keep its domain: without it `a.b` would be read as the registry.
  const slash = path.indexOf('/');
  if (slash >= 0 && looksLikeDomain(path.slice(0, slash))) return formatReference(n);
  return formatReference({ path, tag: n.tag, digest: n.digest });
}

/**
 * The name podman keeps in its store for a tag it was given (`podman tag`, `build -t`, `manifest create`): a name
 * without a registry under `localhost/`, Docker Hub's with Docker's defaults (`docker.io/library/…`), one without
 * tag or digest with `:latest` (as podman 4.3 lists them). A digest reference or an invalid one is returned as given.
 */
export function podmanStoredName(ref: string): string {
  const parsed = tryParseReference(ref);
  if (!parsed || parsed.digest !== undefined) return ref;
  const named = parsed.domain === undefined ? { ...parsed, domain: 'localhost' } : normalize(parsed);
  return formatReference({ ...named, tag: parsed.tag ?? 'latest' });
}

/** The same repository with this tag (and no digest). */
export function withTag(ref: ImageReference, tag: string): ImageReference {
  return ref.domain !== undefined ? { domain: ref.domain, path: ref.path, tag } : { path: ref.path, tag };
}

/** The same repository pinned to `digest` (a tag, if any, is dropped: a digest names the content alone). */
export function withDigest(ref: ImageReference, digest: string): ImageReference {
  return ref.domain !== undefined ? { domain: ref.domain, path: ref.path, digest } : { path: ref.path, digest };
}

/** The registry domain as docker resolves it (`docker.io` for a name without one). */
export function registryDomain(ref: ImageReference): string {
  return normalize(ref).domain;
}

/** The host:port whose `/v2/` API serves this reference. */
export function registryApiHost(ref: ImageReference): string {
  const domain = registryDomain(ref);
  return domain === DOCKER_HUB_DOMAIN ? DOCKER_HUB_API_HOST : domain;
}

/**
 * Whether a registry domain is this machine (localhost, 127.0.0.0/8, [::1], any port). Such a registry
 * usually speaks plain HTTP, so tools are told to skip TLS for it.
 */
export function isLoopbackDomain(domain: string | undefined): boolean {
  return domain !== undefined && /^(?:localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(?::\d+)?$/.test(domain);
}
