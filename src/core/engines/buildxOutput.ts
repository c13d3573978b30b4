/**
 * Parsers for `docker buildx version`, `docker buildx ls` and `docker buildx inspect` text output, in both
 * table layouts buildx has printed (before v0.13: indented node rows and `name *`; since: `\_` node
 * rows, `name*` and a BUILDKIT column), and `docker buildx ls --format json` (v0.13+; `Current` since v0.24).
 */
export interface BuildxVersion {
  version: string;
  revision?: string;
}

/** `github.com/docker/buildx v0.11.2 9872040b…` */
export function parseBuildxVersion(text: string): BuildxVersion | undefined {
  const m = /(?:^|\s)(v?\d+\.\d+\.\d+[^\s]*)(?:\s+([0-9a-f]{7,40}))?/m.exec(text.trim());
  if (!m || !/buildx/i.test(text)) return undefined;
  return { version: m[1]!.replace(/^v/, ''), ...(m[2] ? { revision: m[2] } : {}) };
}

export interface NodePlatform {
  platform: string;
  /** Set by `buildx create --platform` rather than detected (shown with `*`). */
  pinned: boolean;
}

export interface BuildxNode {
  name: string;
  endpoint: string;
  status: string;
  buildkit?: string;
  platforms: NodePlatform[];
}

export interface BuildxBuilder {
  name: string;
  driver: string;
  current: boolean;
  nodes: BuildxNode[];
}

function parsePlatforms(text: string): NodePlatform[] {
  return text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => ({ platform: p.replace(/\*$/, ''), pinned: p.endsWith('*') }));
}

export function parseBuildxLs(text: string): BuildxBuilder[] {
  if (/^[[{]/.test(text.trimStart())) return parseBuildxLsJson(text);
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines.findIndex((l) => /^NAME\/NODE\s/.test(l));
  const builders: BuildxBuilder[] = [];
  for (const line of lines.slice(header + 1)) {
    const isNode = /^\s/.test(line);
    const tokens = line
      .trim()
      .split(/\s+/)
      .filter((t) => t !== '\\_');
    if (!isNode) {
      let [name = '', second = ''] = tokens;
      let current = false;
      if (second === '*') {
        current = true;
        second = tokens[2] ?? '';
      } else if (name.endsWith('*')) {
        current = true;
        name = name.slice(0, -1);
      }
      builders.push({ name, driver: second, current, nodes: [] });
      continue;
    }
    const builder = builders[builders.length - 1];
    if (!builder) continue;
    const [name = '', endpoint = '', status = '', ...rest] = tokens;
    let buildkit: string | undefined;
    if (rest[0] && /^v?\d+\.\d+/.test(rest[0]) && !rest[0].includes('/')) buildkit = rest.shift();
    builder.nodes.push({
      name,
      endpoint,
      status,
      ...(buildkit ? { buildkit } : {}),
      platforms: parsePlatforms(rest.join(' ')),
    });
  }
  return builders;
}

/** One builder as `buildx ls --format json` marshals it (buildx builder/builder.go, builder/node.go). */
interface LsJsonBuilder {
  Name?: unknown;
  Driver?: unknown;
  Current?: unknown;
  Nodes?: Array<{ Name?: unknown; Endpoint?: unknown; Status?: unknown; Version?: unknown; Platforms?: unknown }>;
}

/**
 * `docker buildx ls --format json`: one object per builder, one per line (an array is accepted too).
 * Before v0.24 no object says which builder is current; before v0.21 each builder may be printed twice
 * (docker/buildx#2969), so a builder is kept once. Platforms carry no `*`: none is reported pinned.
 */
function parseBuildxLsJson(text: string): BuildxBuilder[] {
  const values: unknown[] = [];
  let pending = '';
  for (const line of text.split(/\r?\n/)) {
    pending += line + '\n';
    try {
      const v = JSON.parse(pending) as unknown;
      values.push(...(Array.isArray(v) ? v : [v]));
      pending = '';
    } catch {
      // an object printed over several lines: read on
    }
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const byName = new Map<string, BuildxBuilder>();
  for (const raw of values) {
    if (!raw || typeof raw !== 'object') continue;
    const b = raw as LsJsonBuilder;
    const name = str(b.Name);
    if (!name || byName.has(name)) continue;
    byName.set(name, {
      name,
      driver: str(b.Driver),
      current: b.Current === true,
      nodes: (Array.isArray(b.Nodes) ? b.Nodes : []).map((n) => ({
        name: str(n.Name),
        endpoint: str(n.Endpoint),
        status: str(n.Status),
        ...(str(n.Version) ? { buildkit: str(n.Version) } : {}),
        platforms: (Array.isArray(n.Platforms) ? n.Platforms : [])
          .filter((p): p is string => typeof p === 'string')
          .map((platform) => ({ platform, pinned: false })),
      })),
    });
  }
  return [...byName.values()];
}

/** `docker buildx inspect [--bootstrap] [NAME]`: the builder and its nodes (labels and GC policy are skipped). */
export function parseBuildxInspect(text: string): BuildxBuilder {
  const builder: BuildxBuilder = { name: '', driver: '', current: false, nodes: [] };
  let inNodes = false;
  let node: BuildxNode | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s/.test(line) || line.trim() === '') continue; // labels, GC policy details, blank lines
    const m = /^([A-Za-z][A-Za-z ]*):\s*(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const value = m[2]!.trim();
    if (key === 'nodes') {
      inNodes = true;
      continue;
    }
    if (!inNodes) {
      if (key === 'name') builder.name = value;
      else if (key === 'driver') builder.driver = value;
      continue;
    }
    if (key === 'name') {
      node = { name: value, endpoint: '', status: '', platforms: [] };
      builder.nodes.push(node);
    } else if (node) {
      if (key === 'endpoint') node.endpoint = value;
      else if (key === 'status') node.status = value;
      else if (key === 'buildkit' || key === 'buildkit version') node.buildkit = value;
      else if (key === 'platforms') node.platforms = parsePlatforms(value);
    }
  }
  return builder;
}

export type PlatformSupport = 'native' | 'emulated';

/**
 * BuildKit reports a worker's own platform first and then what it can run through QEMU, so on each node
 * the first platform's architecture is native and the rest are emulated (unless pinned platforms were
 * set with `create --platform`, where the order is the user's; then the node's native arch is unknown
 * and every pinned platform is reported native, as the user asked that node to build it).
 */
export function nodePlatformSupport(node: BuildxNode): Record<string, PlatformSupport> {
  const out: Record<string, PlatformSupport> = {};
  const first = node.platforms[0];
  if (!first) return out;
  const nativeArch = first.platform.split('/')[1];
  for (const p of node.platforms) {
    out[p.platform] = p.pinned || p.platform.split('/')[1] === nativeArch ? 'native' : 'emulated';
  }
  return out;
}

/** Across a builder's nodes: native if any node builds the platform natively. */
export function builderPlatformSupport(builder: BuildxBuilder): Record<string, PlatformSupport> {
  const out: Record<string, PlatformSupport> = {};
  for (const n of builder.nodes) {
    for (const [p, s] of Object.entries(nodePlatformSupport(n))) {
      if (out[p] !== 'native') out[p] = s;
    }
  }
  return out;
}

/** `name (driver, BuildKit v0.11.6)`: what the report and the records say about the builder a build ran on. */
export function describeBuilder(builder: BuildxBuilder): string {
  const versions = [...new Set(builder.nodes.flatMap((n) => (n.buildkit ? [n.buildkit] : [])))];
  return `${builder.name} (${[builder.driver, ...(versions.length ? [`BuildKit ${versions.join(', ')}`] : [])].filter(Boolean).join(', ')})`;
}

/**
 * The node of a builder that builds `platform`, as buildx picks it: a node pinned to it (`create --platform`,
 * shown with `*`) first, else the first node whose BuildKit lists it (a local BuildKit lists its own platform
 * and every QEMU one). Several pinned nodes: buildx before 0.13 takes the last, 0.13+ the first; unknown
 * when the version is not known.
 */
export function nodeForPlatform(
  builder: BuildxBuilder,
  platform: string,
  buildxVersion?: string,
): BuildxNode | undefined {
  const pinned = builder.nodes.filter((n) => n.platforms.some((p) => p.platform === platform && p.pinned));
  if (pinned.length > 1) {
    const m = /^v?(\d+)\.(\d+)/.exec(buildxVersion ?? '');
    if (!m) return undefined;
    return Number(m[1]) === 0 && Number(m[2]) < 13 ? pinned[pinned.length - 1] : pinned[0];
  }
  return pinned[0] ?? builder.nodes.find((n) => n.platforms.some((p) => p.platform === platform));
}
