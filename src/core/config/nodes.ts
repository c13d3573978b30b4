import type { BuildNode } from '../jobs';
import type { RawNode } from './types';

/** Two nodes of one list with the same name: the schema cannot say it, so it is checked here, at the second one. */
export function duplicateNodeNames(
  nodes: RawNode[] | undefined,
  base: string[],
): { path: string[]; message: string }[] {
  const seen = new Map<string, number>();
  const problems: { path: string[]; message: string }[] = [];
  nodes?.forEach((n, i) => {
    const first = seen.get(n.name);
    if (first !== undefined) {
      problems.push({
        path: [...base, String(i), 'name'],
        message: `node name "${n.name}" is used twice (items ${first} and ${i}); give each node its own name`,
      });
    } else seen.set(n.name, i);
  });
  return problems;
}

export function toBuildNode(n: RawNode, source: BuildNode['source']): BuildNode {
  return { name: n.name, engine: n.engine, endpoint: n.endpoint, platforms: [...n.platforms], source };
}

/**
 * The project's nodes followed by the machine's. A machine node whose name the project also uses is left out
 * with a warning: the project file is what the whole team builds with.
 */
export function mergeNodes(
  fileNodes: RawNode[] | undefined,
  machineNodes: BuildNode[] = [],
  machineOrigin = 'the machine-level nodes',
): { nodes: BuildNode[]; warnings: string[] } {
  const nodes = (fileNodes ?? []).map((n) => toBuildNode(n, 'config'));
  const names = new Set(nodes.map((n) => n.name));
  const warnings: string[] = [];
  for (const m of machineNodes) {
    if (names.has(m.name)) {
      warnings.push(
        `node "${m.name}" from ${machineOrigin} is also defined in the project's config; using the project's (rename one of them to use both)`,
      );
      continue;
    }
    names.add(m.name);
    nodes.push({ ...m, source: 'setting' });
  }
  return { nodes, warnings };
}
