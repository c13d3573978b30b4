import schema from '../../../schemas/multiarch.schema.json';

/**
 * What a user types for a build node, checked field by field as they type (Add Build Node). The config schema
 * decides what is valid (one home); this module only explains a refusal with an example of the right form.
 */
export type NodeEngineName = 'podman' | 'docker';

const fields = schema.definitions.node.properties;
const namePattern = new RegExp(fields.name.pattern);
const endpointPattern = new RegExp(fields.endpoint.pattern);

/** Endpoints a user can copy, per engine (shown in the endpoint prompt and in its messages). */
export const endpointExamples: Record<NodeEngineName, string[]> = {
  podman: [
    'ssh://builder@arm-box/run/podman/podman.sock',
    'tcp://arm-box:8888',
    'unix:///run/podman/podman.sock',
    'arm-box (a `podman system connection` name)',
  ],
  docker: [
    'ssh://builder@arm-box',
    'tcp://arm-box:2376',
    'unix:///var/run/docker.sock',
    'arm-box (a `docker context` name)',
  ],
};

/** Why `name` cannot name a new node, or undefined when it can. */
export function nodeNameProblem(name: string, taken: readonly string[]): string | undefined {
  if (!name) return 'Give the node a name, e.g. arm-box.';
  if (name === 'local') return '"local" is this machine; pick another name.';
  if (!namePattern.test(name))
    return 'Use letters, digits, "_", "." or "-" (starting with a letter or digit, at most 64).';
  if (taken.includes(name)) return `A node named "${name}" already exists; pick another name.`;
  return undefined;
}

/** Why `endpoint` cannot reach a node of `engine`, or undefined when the schema accepts it. */
export function endpointProblem(engine: NodeEngineName, endpoint: string): string | undefined {
  const [ssh, tcp, unix] = endpointExamples[engine];
  const examples = `e.g. ${ssh} or ${tcp}`;
  if (!endpoint) return `Enter the ${engine} endpoint, ${examples}.`;
  if (endpointPattern.test(endpoint)) return undefined;
  if (/\s/.test(endpoint)) return 'An endpoint has no spaces.';
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(endpoint)?.[1];
  switch (scheme) {
    case undefined: {
      const what = engine === 'podman' ? 'a podman system connection' : 'a docker context';
      return `Use tcp://, ssh:// or unix://, or the name of ${what} (letters, digits, "_", ".", "@", "-"), ${examples}.`;
    }
    case 'tcp':
      return `A tcp:// endpoint is a host and a port, e.g. ${tcp}.`;
    case 'ssh':
      return `An ssh:// endpoint is [user@]host[:port][/socket path], e.g. ${ssh}.`;
    case 'unix':
      return `A unix:// endpoint is a socket path after three slashes, e.g. ${unix}.`;
    default:
      return `${engine} nodes are reached over tcp://, ssh:// or unix://, not ${scheme}:// (${examples}).`;
  }
}
