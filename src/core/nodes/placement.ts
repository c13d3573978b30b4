import type { Job } from '../jobs';
import { onNode } from './endpoint';
import { LOCAL_NODE, type BuildNode } from './types';

/** `linux/arm64` and `linux/arm64/v8` name the same machine. */
function samePlatform(a: string, b: string): boolean {
  const norm = (p: string) => (p.endsWith('/arm64/v8') ? p.slice(0, -3) : p);
  return norm(a) === norm(b);
}

/** The node that builds `platform` natively: the first that lists it; undefined = this machine (`local`). */
export function nodeFor(platform: string, nodes: readonly BuildNode[]): BuildNode | undefined {
  return nodes.find((n) => n.platforms.some((p) => samePlatform(p, platform)));
}

/** A variant's platforms grouped by the node that builds them, this machine's group first, order kept. */
export function splitByNode(
  platforms: string[],
  nodes: readonly BuildNode[],
): { node?: BuildNode; platforms: string[] }[] {
  const groups = new Map<string, { node?: BuildNode; platforms: string[] }>();
  groups.set(LOCAL_NODE, { platforms: [] });
  for (const platform of platforms) {
    const node = nodeFor(platform, nodes);
    const key = node?.name ?? LOCAL_NODE;
    const group = groups.get(key) ?? groups.set(key, { ...(node ? { node } : {}), platforms: [] }).get(key)!;
    group.platforms.push(platform);
  }
  return [...groups.values()].filter((g) => g.platforms.length);
}

/**
 * A job as it runs on `node`: the commands the plan shows (build, before, after) get the node's engine flags
 * after argv[0], and its id names the node, so it never collides with the same variant's local job. The
 * clean-up (`staging.discard`) stays as it is: the runner runs it, like every store query, through a query
 * pointed at the job's node.
 */
export function placeOnNode(job: Job, node: BuildNode): Job {
  const on = (argv: string[]) => onNode(argv, node);
  return {
    ...job,
    id: `${job.id}@${node.name}`,
    node: node.name,
    argv: on(job.argv),
    ...(job.before ? { before: job.before.map(on) } : {}),
    ...(job.after ? { after: job.after.map(on) } : {}),
  };
}

/** The name a record or a table shows for where a job ran. */
export function nodeName(job: Pick<Job, 'node'>): string {
  return job.node ?? LOCAL_NODE;
}
