// After a run: what the build nodes built goes where the variant's output says. A node builds into its
// own store (core/matrix/plan.ts plans its job as `load` there); this is the step that makes those images
// part of the variant's result: loaded here under per-arch tags, pushed with one index per tag, or merged
// into the variant's one OCI archive.
import { rm } from 'node:fs/promises';
import type { ResolvedConfig, ResolvedVariant } from '../config/types';
import { ociArchivePath } from '../engines/paths';
import { platformTag, variantTags } from '../engines/references';
import { cellId, jobCells, type Cell, type Job, type Plan } from '../jobs';
import { parseReference } from '../reference';
import { OCI_INDEX, loadRegistryHosts, RegistryClient, samePlatform, type IndexPart } from '../registry';
import { describeNode } from './endpoint';
import { mergeOciArchives, type ArchivePart } from './ociArchive';
import { exportOci, loadFromNode, publishImage, type PublishPart, type TransferOptions } from './publish';
import type { NodeEngine } from './types';
import { messageOf } from '../errors';

export interface FinishedJob {
  job: Job;
  status: 'succeeded' | 'failed' | 'cancelled';
}

/** One cell a build node built, and the image its store holds for it. */
export interface NodeCell extends PublishPart {
  variant: string;
}

/** What delivery did, for the runner to fold into its records. */
export interface Delivery {
  /** Cells whose image did not get where the output goes, with a message that says what to do. */
  failed: Array<{ cell: Cell; message: string }>;
  /** Variant → the OCI archive that now holds all of its platforms. */
  ociPaths: Record<string, string>;
  /** Variant → digest of the index pushed under its tags. */
  indexes: Record<string, string>;
}

export interface DeliverOptions extends TransferOptions {
  /** The plan's engine on this machine: where `load` brings images. */
  localEngine: NodeEngine;
}

/** One variant's finished jobs and the cells build nodes built for it. */
interface VariantCells {
  config: ResolvedConfig;
  variant: ResolvedVariant;
  jobs: FinishedJob[];
  cells: NodeCell[];
}

/** The cells build nodes built successfully, per variant, with the image each node holds. */
export function nodeCells(plan: Plan, done: FinishedJob[]): NodeCell[] {
  return done.flatMap(({ job, status }) => {
    const node = job.node ? plan.nodes?.find((n) => n.name === job.node) : undefined;
    if (!node || status !== 'succeeded') return [];
    return job.platforms.map((platform) => ({
      variant: job.variant,
      node,
      platform,
      image: job.platformTags?.[platform] ?? job.tags[0]!,
    }));
  });
}

/**
 * Delivers every variant that has node cells. `load` goes per cell (one cell's failure is its own);
 * `push` and `oci` need all of a variant's cells, so a variant with a failed or cancelled cell is left as it
 * was: nothing pushed under its tags, its archive untouched.
 */
export async function deliverNodeOutputs(
  { config, plan, done }: { config: ResolvedConfig; plan: Plan; done: FinishedJob[] },
  opts: DeliverOptions,
): Promise<Delivery> {
  const out: Delivery = { failed: [], ociPaths: {}, indexes: {} };
  const remote = nodeCells(plan, done);
  const variants = [...new Set(remote.map((c) => c.variant))];
  await Promise.all(
    variants.map(async (name) => {
      const variant = config.variants.find((v) => v.name === name);
      const jobs = done.filter((d) => jobCells(d.job).some((c) => c.variant === name));
      const cells = remote.filter((c) => c.variant === name);
      const output = jobs.find((d) => d.job.node)?.job.output ?? plan.jobs[0]?.output;
      if (!variant) return;
      const failAll = (err: unknown) => {
        for (const d of jobs)
          for (const cell of jobCells(d.job))
            if (cell.variant === name) out.failed.push({ cell, message: messageOf(err) });
      };
      if (output === 'load') {
        await Promise.all(
          cells.map((c) =>
            loadFromNode(c, platformTag(config, variant, c.platform), {
              ...opts,
              platform: c.platform,
            }).catch((err: unknown) =>
              out.failed.push({ cell: { variant: name, platform: c.platform }, message: messageOf(err) }),
            ),
          ),
        );
        return;
      }
      if (!jobs.every((d) => d.status === 'succeeded')) return;
      try {
        if (output === 'push') out.indexes[name] = await pushVariant({ config, variant, jobs, cells }, opts);
        else if (output === 'oci') out.ociPaths[name] = await mergeVariant({ config, variant, jobs, cells }, opts);
      } catch (err) {
        failAll(err);
      }
    }),
  );
  return out;
}

/** Each node pushes by digest; what this machine's jobs pushed is read back from the registry; one index per tag. */
async function pushVariant({ config, variant, jobs, cells }: VariantCells, opts: DeliverOptions): Promise<string> {
  const client = opts.registry ?? new RegistryClient(await loadRegistryHosts(opts.env ?? process.env));
  const pushed: IndexPart[] = [];
  for (const { job } of jobs.filter((d) => !d.job.node)) {
    for (const cell of jobCells(job).filter((c) => c.variant === variant.name)) {
      const ref = job.cellImages?.[cellId(cell)] ?? job.platformTags?.[cell.platform] ?? job.tags[0]!;
      pushed.push({ platform: cell.platform, digest: await pushedDigest(client, ref, cell.platform) });
    }
  }
  const r = await publishImage(
    client,
    { tags: variantTags(config, variant, true), parts: cells },
    {
      ...opts,
      registry: client,
      pushed,
    },
  );
  return r.index;
}

/** The digest of `platform`'s image under `ref` in its registry: the ref's manifest, or its list's entry. */
async function pushedDigest(client: RegistryClient, ref: string, platform: string): Promise<string> {
  const m = await client.getManifest(parseReference(ref));
  const doc = JSON.parse(m.bytes.toString('utf8')) as {
    manifests?: Array<{ digest: string; platform?: { os?: string; architecture?: string } }>;
  };
  if (m.mediaType !== OCI_INDEX && !Array.isArray(doc.manifests)) return m.digest;
  const entry = doc.manifests?.find(
    (d) => d.platform && samePlatform(`${d.platform.os}/${d.platform.architecture}`, platform),
  );
  if (!entry) throw new Error(`${ref} has no ${platform} image in the registry: build and push that cell again`);
  return entry.digest;
}

/** Each node exports its image; with this machine's archives they become the variant's one OCI archive. */
async function mergeVariant({ config, variant, jobs, cells }: VariantCells, opts: DeliverOptions): Promise<string> {
  const dest = ociArchivePath(config.root, variant.name);
  const parts: ArchivePart[] = [];
  for (const { job } of jobs.filter((d) => !d.job.node)) {
    if (!job.ociPath) throw new Error(`the ${variant.name} build on this machine wrote no OCI archive`);
    for (const cell of jobCells(job).filter((c) => c.variant === variant.name))
      parts.push({ platform: cell.platform, archive: job.ociPath });
  }
  const exports: string[] = [];
  try {
    for (const c of cells) {
      const file = `${dest}.${c.node.name}-${c.platform.replace(/\//g, '-')}.export`;
      exports.push(file);
      await exportOci(c, file, { ...opts, platform: c.platform }).catch((err: unknown) => {
        throw new Error(`exporting ${variant.name} ${c.platform} from node ${describeNode(c.node)}: ${messageOf(err)}`);
      });
      parts.push({ platform: c.platform, archive: file });
    }
    await mergeOciArchives(parts, dest);
    return dest;
  } finally {
    for (const f of exports) await rm(f, { force: true });
  }
}
