import type { BuildNode } from './types';

/** An endpoint with a scheme (tcp://, ssh://, unix://) is an address; anything else names a saved connection. */
export function isAddress(endpoint: string): boolean {
  return /^[a-z]+:\/\//.test(endpoint);
}

/**
 * The global flags that point the engine's CLI at the node, inserted right after argv[0]:
 * podman `--url X` / `--connection X`, docker `--host X` / `--context X`.
 */
export function engineArgs(node: BuildNode): string[] {
  const address = isAddress(node.endpoint);
  if (node.engine === 'podman') return address ? ['--url', node.endpoint] : ['--connection', node.endpoint];
  return address ? ['--host', node.endpoint] : ['--context', node.endpoint];
}

/** An argv (argv[0] the program) that runs against `node`; the local node (undefined) leaves it as it is. */
export function onNode(argv: string[], node: BuildNode | undefined): string[] {
  if (!node || argv.length === 0) return argv;
  const [program, ...rest] = argv;
  return [program!, ...engineArgs(node), ...rest];
}

/** "arm-box (ssh://builder@arm-box)": how messages name a node. */
export function describeNode(node: BuildNode): string {
  return `${node.name} (${node.endpoint})`;
}
