/** What a user types for a build node, checked field by field as they type (Add Build Node, the CLI's messages). */

export type NodeEngineName = 'podman' | 'docker';

/** Endpoints a user can copy, per engine (shown in the endpoint prompt and in error messages). */
export const endpointExamples: Record<NodeEngineName, string[]> = {
  podman: ['ssh://builder@arm-box/run/podman/podman.sock', 'tcp://arm-box:8888', 'unix:///run/podman/podman.sock', 'arm-box (a `podman system connection` name)'],
  docker: ['ssh://builder@arm-box', 'tcp://arm-box:2376', 'unix:///var/run/docker.sock', 'arm-box (a `docker context` name)'],
};

const namePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/** Why `name` cannot name a new node, or undefined when it can. */
export function nodeNameProblem(name: string, taken: readonly string[]): string | undefined {
  if (!name) return 'Give the node a name, e.g. arm-box.';
  if (name === 'local') return '"local" is this machine; pick another name.';
  if (!namePattern.test(name)) return 'Use letters, digits, "_", "." or "-" (starting with a letter or digit, at most 63).';
  if (taken.includes(name)) return `A node named "${name}" already exists; pick another name.`;
  return undefined;
}

/** Why `endpoint` cannot reach a node of `engine`, or undefined when its form is right. */
export function endpointProblem(engine: NodeEngineName, endpoint: string): string | undefined {
  const examples = `e.g. ${endpointExamples[engine].slice(0, 2).join(' or ')}`;
  if (!endpoint) return `Enter the ${engine} endpoint, ${examples}.`;
  if (/\s/.test(endpoint)) return 'An endpoint has no spaces.';
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(endpoint)?.[1];
  if (!scheme) {
    const what = engine === 'podman' ? 'a podman system connection' : 'a docker context';
    return namePattern.test(endpoint) ? undefined : `Use tcp://, ssh:// or unix://, or the name of ${what} (${examples}).`;
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return `"${endpoint}" is not a valid URL (${examples}).`;
  }
  switch (scheme) {
    case 'tcp':
      if (!url.hostname || !url.port) return `A tcp:// endpoint needs a host and a port, e.g. ${engine === 'podman' ? 'tcp://arm-box:8888' : 'tcp://arm-box:2376'}.`;
      return undefined;
    case 'ssh':
      if (!url.hostname) return `An ssh:// endpoint needs a host, e.g. ${endpointExamples[engine][0]}.`;
      return undefined;
    case 'unix':
      if (url.hostname || !url.pathname || url.pathname === '/') return `A unix:// endpoint is a socket path after three slashes, e.g. ${endpointExamples[engine][2]}.`;
      return undefined;
    default:
      return `${engine} nodes are reached over tcp://, ssh:// or unix:// (${examples}).`;
  }
}
