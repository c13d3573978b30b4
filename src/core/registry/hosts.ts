import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { runTool } from '../engines/exec';
import { isLoopbackDomain } from '../reference';

/** How to reach registries from this machine: which speak plain HTTP, and the credentials the engines saved. */
export interface RegistryHosts {
  /** Plain HTTP: configured insecure (containers' registries.conf, Docker's daemon.json) or on loopback. */
  insecure(host: string): boolean;
  credentials(host: string): RegistryCredentials | undefined;
  /** What a docker credential helper (`credHelpers` / `credsStore` in config.json) holds for the host, when no file does. */
  helperCredentials?(host: string): Promise<RegistryCredentials | undefined>;
  /** The auth files looked in, in order, and the ones `podman login` / `docker login` write: for an error that says which to fill. */
  readonly authFiles?: { readonly searched: readonly string[]; readonly podman: string; readonly docker: string };
}

export interface RegistryCredentials {
  username: string;
  password: string;
  /** The auth file they came from. */
  source?: string;
}

type Env = Record<string, string | undefined>;

/** Reads registries.conf, daemon.json and the auth files the way podman and docker find them. */
export async function loadRegistryHosts(env: Env = process.env): Promise<RegistryHosts> {
  const home = env.HOME ?? homedir();
  const insecure = new Set<string>();
  const confs = env.CONTAINERS_REGISTRIES_CONF
    ? [env.CONTAINERS_REGISTRIES_CONF]
    : ['/etc/containers/registries.conf', join(home, '.config/containers/registries.conf')];
  for (const file of confs) for (const host of insecureFromRegistriesConf(await readText(file))) insecure.add(host);
  for (const host of insecureFromDaemonJson(await readText(env.DOCKER_DAEMON_JSON ?? '/etc/docker/daemon.json')))
    insecure.add(host);

  const auths = new Map<string, RegistryCredentials>();
  // Where `podman login` writes: $REGISTRY_AUTH_FILE, else the runtime directory (/run/containers/<uid> without XDG_RUNTIME_DIR).
  const runtimeAuth = env.XDG_RUNTIME_DIR
    ? join(env.XDG_RUNTIME_DIR, 'containers/auth.json')
    : `/run/containers/${process.getuid?.() ?? 0}/auth.json`;
  const podmanLogin = env.REGISTRY_AUTH_FILE ?? runtimeAuth;
  const dockerLogin = join(env.DOCKER_CONFIG ?? join(home, '.docker'), 'config.json');
  const searched = [...new Set([podmanLogin, runtimeAuth, join(home, '.config/containers/auth.json'), dockerLogin])];
  // The first file that names a host wins, as podman's lookup order does.
  for (const file of searched) {
    for (const [host, cred] of credentialsFromAuthFile(await readText(file)))
      if (!auths.has(host)) auths.set(host, { ...cred, source: file });
  }
  const helpers = credentialHelpers(await readText(dockerLogin));
  return {
    insecure: (host) => insecure.has(host) || isLoopbackDomain(host),
    helperCredentials: async (host) => {
      const key = host === 'registry-1.docker.io' ? 'docker.io' : host;
      const helper = helpers.perHost.get(key) ?? helpers.store;
      return helper ? helperGet(helper, key === 'docker.io' ? 'https://index.docker.io/v1/' : key, env) : undefined;
    },
    credentials: (host) => auths.get(host) ?? (host === 'registry-1.docker.io' ? auths.get('docker.io') : undefined),
    authFiles: { searched, podman: podmanLogin, docker: dockerLogin },
  };
}

/**
 * Asks `docker-credential-<helper> get` (the docker-credential-helpers protocol: the server on stdin,
 * `{"Username","Secret"}` on stdout). A helper that has nothing for the server, or is not installed,
 * gives nothing; an identity token (`<token>` user) needs an OAuth exchange this client does not do.
 */
async function helperGet(helper: string, server: string, env: Env): Promise<RegistryCredentials | undefined> {
  const program = `docker-credential-${helper}`;
  const r = await runTool([program, 'get'], { env: env as NodeJS.ProcessEnv, input: server, timeoutMs: 10_000 });
  if (!r.ok) return undefined;
  try {
    const out = JSON.parse(r.stdout) as { Username?: unknown; Secret?: unknown };
    if (typeof out.Username !== 'string' || typeof out.Secret !== 'string' || out.Username === '<token>')
      return undefined;
    return { username: out.Username, password: out.Secret, source: program };
  } catch {
    return undefined;
  }
}

/** `credsStore` (every registry) and `credHelpers` (per registry) of Docker's config.json. */
export function credentialHelpers(text: string | undefined): { store?: string; perHost: Map<string, string> } {
  const perHost = new Map<string, string>();
  if (!text) return { perHost };
  try {
    const doc = JSON.parse(text) as { credsStore?: unknown; credHelpers?: Record<string, unknown> };
    for (const [key, value] of Object.entries(doc.credHelpers ?? {})) {
      const host = key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
      if (typeof value === 'string' && value) perHost.set(host === 'index.docker.io' ? 'docker.io' : host, value);
    }
    return { ...(typeof doc.credsStore === 'string' && doc.credsStore ? { store: doc.credsStore } : {}), perHost };
  } catch {
    return { perHost };
  }
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** `[[registry]] location = "h" insecure = true` (v2) and `[registries.insecure] registries = [...]` (v1). */
export function insecureFromRegistriesConf(text: string | undefined): string[] {
  if (!text) return [];
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch {
    return [];
  }
  const out: string[] = [];
  const registry = Array.isArray(doc.registry) ? (doc.registry as Array<Record<string, unknown>>) : [];
  for (const r of registry) {
    if (r.insecure === true && typeof r.location === 'string') out.push(r.location);
    for (const m of Array.isArray(r.mirror) ? (r.mirror as Array<Record<string, unknown>>) : []) {
      if (m.insecure === true && typeof m.location === 'string') out.push(m.location);
    }
  }
  const v1 = (doc.registries as { insecure?: { registries?: unknown } } | undefined)?.insecure?.registries;
  if (Array.isArray(v1)) out.push(...v1.filter((x): x is string => typeof x === 'string'));
  return out;
}

export function insecureFromDaemonJson(text: string | undefined): string[] {
  if (!text) return [];
  try {
    const list = (JSON.parse(text) as { 'insecure-registries'?: unknown })['insecure-registries'];
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** `{"auths": {"host": {"auth": base64("user:pass")}}}`, keys with or without a scheme. */
export function credentialsFromAuthFile(
  text: string | undefined,
): Array<[string, { username: string; password: string }]> {
  if (!text) return [];
  let auths: Record<string, { auth?: unknown }>;
  try {
    auths = (JSON.parse(text) as { auths?: Record<string, { auth?: unknown }> }).auths ?? {};
  } catch {
    return [];
  }
  const out: Array<[string, { username: string; password: string }]> = [];
  for (const [key, value] of Object.entries(auths)) {
    if (typeof value?.auth !== 'string') continue;
    const decoded = Buffer.from(value.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) continue;
    const host = key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    out.push([
      host === 'index.docker.io' ? 'docker.io' : host,
      { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) },
    ]);
  }
  return out;
}
