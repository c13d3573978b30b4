// Removing what a test built, tagged or pushed, for every tier (engines, integration, e2e). Nothing here reads
// .cache/engines.env at import: the integration and e2e tiers load it without the engine setup too.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseConfig } from '../../src/core/config/loadConfig';
import { runTool } from '../../src/core/engines/exec';
import { parseManifestList, platformRefs } from '../../src/core/engines/podmanOutput';
import type { EngineKind, OutputMode } from '../../src/core/jobs';
import { buildPlan } from '../../src/core/matrix/plan';
import { parseReference, registryApiHost } from '../../src/core/reference';

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/**
 * Deletes `ref`'s manifest from the test registry (distribution 2.x, deletes enabled) and, for an index, each
 * platform's. A reference without a tag means every tag of the repository, or those `which` picks (for a
 * repository other runs push to as well). The registry deletes only by digest (DELETE by tag answers 400),
 * and a deleted digest takes every tag on it along, including the multiarch-push-* tags publish leaves on
 * each platform's manifest. The repository stays in _catalog with no tags: that is what "removed" means to
 * scripts/leftovers.mjs. Missing is fine.
 */
export async function removeFromRegistry(ref: string, which: (tag: string) => boolean = () => true): Promise<void> {
  const parsed = parseReference(ref);
  if (parsed.path.startsWith('multiarch/')) throw new Error(`${ref} is a base the setup pushed for every run`);
  const base = `http://${registryApiHost(parsed)}/v2/${parsed.path}`;
  let tags = parsed.tag ? [parsed.tag] : [];
  if (!parsed.tag) {
    const res = await fetch(`${base}/tags/list`);
    tags = res.ok ? (((await res.json()) as { tags?: string[] | null }).tags ?? []).filter(which) : [];
  }
  const digests = new Set<string>();
  for (const tag of tags) {
    const res = await fetch(`${base}/manifests/${tag}`, { headers: { accept: ACCEPT } });
    if (!res.ok) continue;
    const body = (await res.json()) as { manifests?: Array<{ digest: string }> };
    for (const m of body.manifests ?? []) digests.add(m.digest);
    const digest = res.headers.get('docker-content-digest');
    if (digest) digests.add(digest);
  }
  for (const d of digests) {
    const res = await fetch(`${base}/manifests/${d}`, { method: 'DELETE' });
    if (!res.ok && res.status !== 404)
      throw new Error(`DELETE ${base}/manifests/${d}: ${res.status} ${await res.text()}`);
  }
}

/**
 * Removes images built under `tags`: podman manifest lists with their per-platform instances, or plain
 * images. podman 4.3's `manifest rm` cannot find a list without a host-arch instance (rmi removes that one),
 * and neither removes the instances; they are found by `name@digest` while the list still names them, and
 * removed by ID after it. A tag in `registry` (a push output) is deleted there too.
 */
export async function removeImages(
  engine: EngineKind,
  program: string,
  tags: Iterable<string>,
  env: NodeJS.ProcessEnv,
  registry = env.MULTIARCH_REGISTRY,
): Promise<void> {
  const run = (argv: string[]) => runTool([program, ...argv], { env, timeoutMs: 60_000 });
  for (const tag of new Set(tags)) {
    const listed = engine === 'podman' ? await run(['manifest', 'inspect', tag]) : undefined;
    const ids: string[] = [];
    for (const ref of listed?.ok ? Object.values(platformRefs(tag, parseManifestList(listed.stdout))) : []) {
      const id = await run(['image', 'inspect', '--format', '{{.Id}}', ref]);
      if (id.ok) ids.push(id.stdout.trim());
    }
    if (!(listed && (await run(['manifest', 'rm', tag])).ok)) await run(['rmi', tag]);
    for (const id of ids) await run(['rmi', id]);
    if (registry && tag.startsWith(`${registry}/`)) await removeFromRegistry(tag);
  }
}

/**
 * Removes every image a build of the project at `root` can have made, on podman and dockerd, kept or pushed:
 * for tiers that build through the extension, which do not see the plan it ran.
 */
export async function removeProjectImages(root: string, env: NodeJS.ProcessEnv): Promise<void> {
  const file = join(root, 'multiarch.yaml');
  if (!existsSync(file)) return;
  const parsed = parseConfig(await readFile(file, 'utf8'), file);
  if (!parsed.ok) return;
  const outputs: OutputMode[] = parsed.config.registry ? ['load', 'push'] : ['load'];
  for (const engine of ['podman', 'docker'] as const) {
    const program = (engine === 'podman' ? env.MULTIARCH_PODMAN : env.MULTIARCH_DOCKER) ?? engine;
    const tags = outputs.flatMap((output) =>
      buildPlan(parsed.config, { engine, output, canLoadManifestList: engine === 'podman' }).jobs.flatMap((j) => [
        ...j.tags,
        ...Object.values(j.platformTags ?? {}),
      ]),
    );
    await removeImages(engine, program, tags, env);
  }
}
