import { runTool, type ToolResult } from '../engines/exec';
import { programsFromEnv, type EnginePrograms } from '../engines/detect';
import { describeNode, onNode } from './endpoint';
import {
  parseDockerPlatforms,
  parseDockerServerVersion,
  parsePodmanPlatforms,
  parsePodmanServerVersion,
} from './probeOutput';
import type { BuildNode, NodeProbe } from './types';

export const defaultProbeTimeoutMs = 2000;

export interface ProbeOptions {
  timeoutMs?: number;
  /**
   * A node whose version call did not answer within `timeoutMs` is asked once more, waiting this long (when
   * longer): podman's API service takes ~1 s for it on an idle machine (bench/README.md, "A build node's
   * answer on a busy machine"), so a short first wait tells a loaded node apart from a gone one only with a
   * second, patient one. A node that refuses is not asked again.
   */
  patientMs?: number;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  programs?: Partial<EnginePrograms>;
}

/**
 * Asks a node's engine who it is (version) and what it runs (info), both within `timeoutMs`. Never throws:
 * a node that does not answer comes back unreachable with a message that says what to check.
 */
export async function probeNode(node: BuildNode, opts: ProbeOptions = {}): Promise<NodeProbe> {
  const timeoutMs = opts.timeoutMs ?? defaultProbeTimeoutMs;
  const first = await askNode(node, opts, timeoutMs);
  const patientMs = opts.patientMs ?? 0;
  if (!first.timedOut || patientMs <= timeoutMs || opts.signal?.aborted) return first;
  return askNode(node, opts, patientMs);
}

async function askNode(node: BuildNode, opts: ProbeOptions, timeoutMs: number): Promise<NodeProbe> {
  const program = { ...programsFromEnv(opts.env ?? process.env), ...opts.programs }[node.engine];
  const format = node.engine === 'podman' ? 'json' : '{{json .}}';
  const run = (command: string) =>
    runTool(onNode([program, command, '--format', format], node), {
      timeoutMs,
      signal: opts.signal,
      env: opts.env,
    });
  // In parallel: an unreachable node costs one timeout, not two.
  const [version, info] = await Promise.all([run('version'), run('info')]);

  let engineVersion: string;
  try {
    if (!version.ok) throw new Error();
    engineVersion = (node.engine === 'podman' ? parsePodmanServerVersion : parseDockerServerVersion)(
      version.stdout,
    ).version;
  } catch {
    return {
      node: node.name,
      reachable: false,
      error: unreachableMessage(node, version, timeoutMs),
      ...(version.timedOut ? { timedOut: true } : {}),
    };
  }
  try {
    if (!info.ok) throw new Error(firstLine(info) || 'no answer');
    const platforms = (node.engine === 'podman' ? parsePodmanPlatforms : parseDockerPlatforms)(info.stdout);
    return {
      node: node.name,
      reachable: true,
      engineVersion,
      nativePlatforms: platforms.native,
      ...(platforms.emulated ? { emulatedPlatforms: platforms.emulated } : {}),
    };
  } catch (err) {
    return {
      node: node.name,
      reachable: true,
      engineVersion,
      error: `node ${describeNode(node)} answered but its ${node.engine} info failed (${(err as Error).message}); run \`${node.engine} info\` on that machine to see why`,
    };
  }
}

function firstLine(r: ToolResult): string {
  const lines = (r.stderr || r.stdout).trim().split('\n');
  // podman prints advice about `podman machine` first and the cause on its `Error:` line.
  const error = lines.find((l) => l.startsWith('Error: '));
  return (
    error?.slice('Error: '.length) ??
    lines.find((l) => /cannot|refused|denied|no such/i.test(l)) ??
    lines[0] ??
    ''
  ).trim();
}

/** "node arm-box (ssh://builder@arm-box) did not answer": why, and the next step for that engine. */
export function unreachableMessage(node: BuildNode, r: ToolResult, timeoutMs: number): string {
  const why = r.timedOut
    ? `within ${formatSeconds(timeoutMs)}`
    : r.spawnError === 'ENOENT'
      ? `(${node.engine} is not installed here; install it, or set $MULTIARCH_${node.engine.toUpperCase()})`
      : `(${firstLine(r) || `exit code ${r.exitCode ?? '?'}`})`;
  const fix =
    node.engine === 'podman'
      ? 'check that the machine is on and its podman API service runs (`systemctl --user start podman.socket`, or `podman system service --time=0 tcp:0.0.0.0:PORT`)'
      : 'check that the machine is on and dockerd listens there (`docker --host ENDPOINT version`)';
  const where = node.source === 'config' ? "the project's nodes:" : 'the machine-level nodes';
  return `node ${describeNode(node)} did not answer ${why}; ${fix}, or remove the node from ${where} to build its platforms here`;
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
