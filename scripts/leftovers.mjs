#!/usr/bin/env node
/* global fetch, AbortSignal */
// What the test tiers leave behind in the shared engines. A store that keeps every test's images gets slow
// (podman took ~4× as long on the same build with ~4,800 images), so scripts/test.mjs takes a snapshot
// before a tier and fails the tier when a store grew by its end, naming what is new.
//   node scripts/leftovers.mjs save FILE     snapshot the stores into FILE
//   node scripts/leftovers.mjs check FILE    compare with FILE; exit 1 and name the leftovers on growth
// The stores are those .cache/engines.env names: this machine's dockerd and podman, the second node's
// podman and dockerd, and the registry. In the registry both the tags and the repositories count: distribution
// 2.x deletes a tag only with the manifest behind it and never drops a repository from its catalog, so the tests
// remove a repository of their own from the registry's storage after its manifests (test/engines/cleanup.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { podmanStores, readPodmanStore } from './podmanStore.mjs';
import { engineEnv } from './vscode-host/engineEnv.mjs';

/** Set in every child of a tier; a process that still carries it when the tier ends was left running. */
export const RUN_MARKER = 'MULTIARCH_TEST_RUN';

/**
 * Image ids, image names and container ids per store, and `repository:tag` in the registry. podman's stores
 * are read from containers/storage's own files (podmanStore.mjs), which also list buildah's working containers.
 */
export async function snapshot(env = engineEnv()) {
  // The bases setup pushed are pulled by the first test that needs them and are meant to stay: under their tag,
  // or, for a platform pulled from a base's index by digest (schedule/podmanPull.ts), under `<repository>@sha256:…`.
  const tags = [env.MULTIARCH_BASE_IMAGE, env.MULTIARCH_PYTHON_BASE_IMAGE].filter(Boolean);
  const repos = tags.map((t) => t.slice(0, t.lastIndexOf(':')));
  const isBase = (names) =>
    names.length > 0 && names.every((n) => tags.includes(n) || repos.some((r) => n.startsWith(`${r}@sha256:`)));
  const stores = {};
  const add = async (name, fn) => {
    try {
      stores[name] = await fn();
    } catch (err) {
      stores[name] = { error: err.message.split('\n')[0] };
    }
  };
  const docker = env.MULTIARCH_DOCKER;
  if (docker && env.DOCKER_HOST) await add('dockerd', () => dockerStore(docker, env.DOCKER_HOST, isBase));
  if (docker && env.MULTIARCH_NODE2_DOCKER)
    await add('node2 dockerd', () => dockerStore(docker, env.MULTIARCH_NODE2_DOCKER, isBase));
  for (const store of podmanStores(env)) await add(store.name, () => podmanStore(store.storageConf, isBase));
  if (env.MULTIARCH_REGISTRY) await add('registry', () => registryStore(env.MULTIARCH_REGISTRY));
  return stores;
}

async function dockerStore(docker, host, isBase) {
  const run = async (args) =>
    (await execa(docker, args, { env: { DOCKER_HOST: host }, timeout: 60_000 })).stdout.split('\n').filter(Boolean);
  const images = await run(['images', '-a', '--no-trunc', '--format', '{{.ID}}\t{{.Repository}}:{{.Tag}}']);
  const containers = await run(['ps', '-a', '--no-trunc', '--format', '{{.ID}}\t{{.Names}} ({{.Image}})']);
  const namesOf = new Map();
  for (const [id, name] of images.map((l) => l.split('\t')))
    namesOf.set(id, [...(namesOf.get(id) ?? []), ...(name === '<none>:<none>' ? [] : [name])]);
  const kept = [...namesOf].filter(([, names]) => !isBase(names));
  return {
    images: kept.map(([id]) => id),
    names: kept.flatMap(([, names]) => names),
    containers: containers.map((l) => l.replace('\t', ' ')),
  };
}

async function podmanStore(storageConf, isBase) {
  const { images, containers } = await readPodmanStore(storageConf);
  // A platform instance pulled from a base's list has no name left, only the base in its names-history.
  const kept = images.filter((i) => !isBase(i.names.length ? i.names : i.namesHistory));
  return {
    images: kept.map((i) => i.id),
    names: unique(kept.flatMap((i) => i.names)),
    containers: containers.map((c) => `${c.id} ${c.names.join(',')} (${c.image})`),
  };
}

async function registryStore(addr) {
  const repos = [];
  for (let url = `http://${addr}/v2/_catalog?n=1000`; url;) {
    const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
    repos.push(...((await res.json()).repositories ?? []));
    const next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
    url = next ? new URL(next, `http://${addr}`).href : '';
  }
  const tags = [];
  for (const repo of repos) {
    const res = await fetch(`http://${addr}/v2/${repo}/tags/list`, { signal: AbortSignal.timeout(30_000) });
    // A repository whose manifests were all deleted answers 404 or `tags: null`: it is gone.
    if (res.ok) tags.push(...((await res.json()).tags ?? []).map((t) => `${repo}:${t}`));
  }
  return { tags, repositories: repos };
}

const unique = (xs) => [...new Set(xs)];

/** One line per store that grew: what it held before and after, and what is new. */
export function growth(before, after) {
  const lines = [];
  for (const [store, now] of Object.entries(after)) {
    const then = before[store];
    if (!then || then.error || now.error) {
      if (now.error) lines.push(`${store}: could not be read at the end (${now.error})`);
      continue;
    }
    for (const kind of Object.keys(now)) {
      const was = new Set(then[kind] ?? []);
      if (now[kind].length <= was.size) continue;
      const added = now[kind].filter((x) => !was.has(x));
      const shown = added.slice(0, 20).map((x) => `\n    ${x}`);
      const more = added.length > 20 ? `\n    … and ${added.length - 20} more` : '';
      lines.push(`${store}: ${kind} ${was.size} → ${now[kind].length}${shown.join('')}${more}`);
    }
  }
  return lines;
}

export function counts(snap) {
  return Object.entries(snap)
    .map(([store, s]) =>
      s.error
        ? `${store}: unreadable (${s.error})`
        : `${store}: ${Object.entries(s)
            .map(([k, v]) => `${v.length} ${k}`)
            .join(', ')}`,
    )
    .join('; ');
}

/** Processes (not zombies) whose environment holds `RUN_MARKER=id`: started by the tier and still running. */
export function markedProcesses(id) {
  const want = `${RUN_MARKER}=${id}`;
  const out = [];
  for (const pid of readdirNumeric('/proc')) {
    if (pid === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(want)) continue;
      const state = /^\d+ \(.*\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
      if (state === 'Z') continue;
      out.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim()}`);
    } catch {
      // gone while we looked, or not ours to read
    }
  }
  return out;
}

function readdirNumeric(dir) {
  try {
    return readdirSync(dir)
      .filter((n) => /^\d+$/.test(n))
      .map(Number);
  } catch {
    return [];
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [cmd, file] = process.argv.slice(2);
  if (cmd === 'save' && file) {
    const snap = await snapshot();
    await writeFile(file, JSON.stringify(snap));
    console.log(counts(snap));
  } else if (cmd === 'check' && file) {
    const after = await snapshot();
    const lines = growth(JSON.parse(await readFile(file, 'utf8')), after);
    console.log(counts(after));
    for (const l of lines) console.log(`left behind: ${l}`);
    process.exitCode = lines.length ? 1 : 0;
  } else {
    console.error('usage: node scripts/leftovers.mjs save FILE | check FILE');
    process.exitCode = 2;
  }
}
