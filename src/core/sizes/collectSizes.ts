// Turns recorded builds into size rows, reading each cell from whatever its build produced:
// an OCI layout/archive, a registry, or the engine's local store.
import { isAbsolute, resolve } from 'node:path';
import { isLoopbackDomain, tryParseReference } from '../reference';
import type { BuildRecord } from '../results/types';
import { latestSucceeded } from './buildRecords';
import { inspectArgv, parseImageInspect, type LocalEngine, type LocalImage } from './localSizes';
import { readOciSizes } from './ociSizes';
import { isIndexDocument, parseIndex, parseJson } from './ociSchemas';
import { platformString } from './mediaTypes';
import { rawConfigArgv, rawManifestArgv, readRegistrySizes, withDigest, type RegistryTool } from './registrySizes';
import { programsFromEnv, type Programs } from './programs';
import { runTool, toolOutput, type ToolRunner } from '../engines/exec';
import type { PlatformImage, SizeRow, SizeSource } from './types';
import { messageOf } from '../errors';

export interface CollectOptions {
  /** Folder relative OCI paths resolve against (the config root). */
  root: string;
  variants?: string[];
  run?: ToolRunner;
  /** Environment for engine processes (DOCKER_HOST, CONTAINERS_* …); defaults to this process's. */
  env?: Record<string, string | undefined>;
  /** Raw-manifest tool for pushed images; default: `docker buildx imagetools` for buildx builds, else skopeo. */
  registryTool?: RegistryTool;
  /** Engine programs; default from $MULTIARCH_DOCKER / $MULTIARCH_PODMAN, else on PATH. */
  programs?: Programs;
  /** Skip TLS verification for registries; default: only for localhost / 127.0.0.1. */
  insecureRegistry?: boolean;
}

/** linux/arm64/v8 and linux/arm64 name the same platform (podman records the v8). */
export function samePlatform(a: string, b: string): boolean {
  const norm = (p: string): string => p.replace(/^(linux\/arm64)\/v8$/, '$1');
  return norm(a) === norm(b);
}

const isLocalRegistry = (ref: string): boolean => isLoopbackDomain(tryParseReference(ref)?.domain);

export function localEngineOf(r: BuildRecord): LocalEngine {
  return r.engine === 'podman' ? 'podman' : 'docker';
}

export async function collectSizes(records: BuildRecord[], opts: CollectOptions): Promise<SizeRow[]> {
  const run = opts.run ?? runTool;
  const toolOpts = opts.env ? { env: opts.env } : {};
  const programs = opts.programs ?? programsFromEnv(opts.env);
  const manifests = new Map<string, Promise<{ source: SizeSource; images: PlatformImage[] }>>();
  const locals = new Map<string, Promise<LocalImage[]>>();

  const fromOci = (path: string) => {
    let p = manifests.get(`oci:${path}`);
    if (!p) manifests.set(`oci:${path}`, (p = readOciSizes(path)));
    return p;
  };
  const fromRegistry = (ref: string, engine: BuildRecord['engine']) => {
    const tool = opts.registryTool ?? (engine === 'buildx' ? 'buildx' : 'skopeo');
    let p = manifests.get(`registry:${tool}:${ref}`);
    if (!p) {
      const insecure = opts.insecureRegistry ?? isLocalRegistry(ref);
      const program = tool === 'buildx' ? programs.docker : undefined;
      const fetch = (r: string) => toolOutput(run, rawManifestArgv(tool, r, { insecure, program }), toolOpts);
      const fetchConfig =
        tool === 'skopeo' ? (r: string) => toolOutput(run, rawConfigArgv(r, insecure), toolOpts) : undefined;
      p = readRegistrySizes(ref, fetch, fetchConfig ? { fetchConfig } : {}).then((images) => ({
        source: 'registry' as const,
        images,
      }));
      manifests.set(`registry:${tool}:${ref}`, p);
    }
    return p;
  };
  const inspect = (engine: LocalEngine, image: string) => {
    let p = locals.get(`${engine}:${image}`);
    if (!p)
      locals.set(
        `${engine}:${image}`,
        (p = toolOutput(run, inspectArgv(engine, image, programs[engine]), toolOpts).then(parseImageInspect)),
      );
    return p;
  };
  /**
   * `podman image inspect` of a manifest list answers for the host's platform only; the other
   * platforms are found through the list's instance digests (`podman manifest inspect`).
   */
  const fromLocal = async (engine: LocalEngine, image: string, platform: string): Promise<LocalImage | undefined> => {
    const direct = (await inspect(engine, image)).find((i) => samePlatform(i.platform, platform));
    if (direct || engine !== 'podman') return direct;
    const listText = await toolOutput(run, [programs.podman, 'manifest', 'inspect', image], toolOpts).catch(
      () => undefined,
    );
    if (!listText || !isIndexDocument(parseJson(listText, image))) return undefined;
    const entry = parseIndex(listText, `manifest list ${image}`).manifests.find(
      (d) => d.platform && samePlatform(platformString(d.platform), platform),
    );
    if (!entry) return undefined;
    return (await inspect(engine, withDigest(image, entry.digest))).find((i) => samePlatform(i.platform, platform));
  };

  const wanted = opts.variants?.length ? new Set(opts.variants) : undefined;
  const cells = latestSucceeded(records).filter((r) => !wanted || wanted.has(r.variant));
  const rows = await Promise.all(
    cells.map(async (r): Promise<SizeRow> => {
      const base = { variant: r.variant, platform: r.platform, builtAt: r.startedAt };
      const ociPath = r.ociPath ? (isAbsolute(r.ociPath) ? r.ociPath : resolve(opts.root, r.ociPath)) : undefined;
      const source: SizeSource = ociPath ? 'oci-layout' : r.output === 'push' && r.image ? 'registry' : 'local';
      let row: SizeRow = { ...base, source };
      try {
        if (ociPath || source === 'registry') {
          const found = await (ociPath ? fromOci(ociPath) : fromRegistry(r.image!, r.engine));
          // A single-platform tag whose config could not be read is the record's platform (per-arch tags).
          const img =
            found.images.find((i) => samePlatform(i.platform, r.platform)) ??
            (found.images.length === 1 && found.images[0]!.platform === 'unknown/unknown'
              ? found.images[0]
              : undefined);
          if (!img) {
            const have = found.images.map((i) => i.platform).join(', ') || 'none';
            throw new Error(`no ${r.platform} image in ${ociPath ?? r.image} (found: ${have})`);
          }
          row = { ...row, source: found.source, compressed: img.compressed, layers: img.layers, digest: img.digest };
          if (img.created) row.created = img.created;
        } else if (!r.image) {
          throw new Error('the build recorded no image reference or OCI path');
        }
      } catch (err) {
        return { ...row, error: messageOf(err) };
      }
      if (r.image) {
        const local = await fromLocal(localEngineOf(r), r.image, r.platform).catch((err: unknown) => err as Error);
        if (local && !(local instanceof Error)) {
          row.uncompressed = local.size;
          row.layers ??= local.layers;
          row.created ??= local.created;
          if (!row.digest && local.digest) row.digest = local.digest;
        } else if (source === 'local') {
          row.error = local instanceof Error ? local.message : `local image ${r.image} has no ${r.platform} image`;
        }
      }
      return row;
    }),
  );
  return rows.sort((a, b) => a.variant.localeCompare(b.variant) || a.platform.localeCompare(b.platform));
}
