import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { BuildNode } from '../jobs';
import { parseYamlValue, sortProblems } from './loadConfig';
import { duplicateNodeNames, toBuildNode } from './nodes';
import type { ConfigProblem, RawNode } from './types';
import { validateAgainstSchema } from './validate';

/**
 * Nodes of this machine that are not committed with a project: the CLI reads them from
 * `$XDG_CONFIG_HOME/multiarch/nodes.yaml`, the editor from the `multiarch.nodes` setting. Both hold the same
 * list as multiarch.yaml's `nodes:` and are checked by the same schema.
 */
export type MachineNodesResult = { ok: true; nodes: BuildNode[] } | { ok: false; problems: ConfigProblem[] };

export function machineNodesFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'multiarch', 'nodes.yaml');
}

/** Problems of a node list (a setting's value or a parsed file), with paths inside the list (`/0/endpoint`). */
export function nodeListProblems(value: unknown): { path: string[]; onKey: boolean; message: string }[] {
  // The list is checked as the `nodes:` of an otherwise empty config, so its rules and messages are the file's.
  const inConfig = validateAgainstSchema({ nodes: value });
  const problems = inConfig.length
    ? inConfig
    : duplicateNodeNames(value as RawNode[], ['nodes']).map((p) => ({ ...p, onKey: false }));
  return problems.map((p) => ({
    ...p,
    path: p.path.slice(1),
    message: p.message.replace(/"nodes\.(\d+)/g, '"$1').replace(/"nodes"/g, 'the node list'),
  }));
}

/** The `multiarch.nodes` setting (or any already-parsed list) as nodes; problems name `origin`. */
export function machineNodesFrom(value: unknown, origin: string): MachineNodesResult {
  if (value === undefined || value === null) return { ok: true, nodes: [] };
  const problems = nodeListProblems(value);
  if (problems.length) {
    return {
      ok: false,
      problems: problems.map((p) => ({
        file: origin,
        line: 1,
        column: 1,
        path: '/' + p.path.join('/'),
        message: p.message,
      })),
    };
  }
  return { ok: true, nodes: (value as RawNode[]).map((n) => toBuildNode(n, 'setting')) };
}

/** nodes.yaml: a missing file is no nodes; anything wrong is a located problem. */
export async function loadMachineNodes(file: string): Promise<MachineNodesResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, nodes: [] };
    return {
      ok: false,
      problems: [
        { file, line: 1, column: 1, path: '', message: `cannot read the node list: ${(err as Error).message}` },
      ],
    };
  }
  return parseMachineNodes(text, file);
}

export function parseMachineNodes(text: string, file: string): MachineNodesResult {
  if (!text.trim()) return { ok: true, nodes: [] };
  const parsed = parseYamlValue(text, file);
  if (!parsed.ok) return parsed;
  const problems = nodeListProblems(parsed.value);
  if (problems.length) {
    return {
      ok: false,
      problems: sortProblems(
        problems.map((p) => ({
          file,
          ...parsed.locate(p.path, p.onKey),
          path: '/' + p.path.join('/'),
          message: p.message,
        })),
      ),
    };
  }
  return { ok: true, nodes: (parsed.value as RawNode[]).map((n) => toBuildNode(n, 'setting')) };
}
