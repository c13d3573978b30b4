import { compose, flag, named } from './argv';

/**
 * argv for managing buildx builders, as documented in the `docker buildx create|use|inspect|rm`
 * reference. Multi-node builders are how a matrix outgrows one machine: an arm64 node appended to the
 * builder builds arm64 natively instead of under QEMU.
 */
export interface CreateBuilderOptions {
  name: string;
  /** Default docker-container: the driver that can build several platforms and export manifest lists. */
  driver?: 'docker-container' | 'kubernetes' | 'remote';
  driverOpts?: Record<string, string>;
  platforms?: string[];
  use?: boolean;
  bootstrap?: boolean;
  /** Docker context or endpoint (`unix://…`, `ssh://user@host`, `tcp://host:port`). */
  endpoint?: string;
}

export function createBuilderArgv(o: CreateBuilderOptions): string[] {
  return compose(
    ['docker', 'buildx', 'create'],
    named('--name', o.name),
    named('--driver', o.driver ?? 'docker-container'),
    Object.entries(o.driverOpts ?? {}).flatMap(([k, v]) => ['--driver-opt', `${k}=${v}`]),
    named('--platform', o.platforms?.join(',')),
    flag('--use', o.use ?? true),
    flag('--bootstrap', o.bootstrap ?? false),
    o.endpoint ? [o.endpoint] : [],
  );
}

export interface AppendNodeOptions {
  builder: string;
  node: string;
  platforms: string[];
  /** `ssh://user@host` or `tcp://host:port` of the machine that builds these platforms natively. */
  endpoint: string;
}

export function appendNodeArgv(o: AppendNodeOptions): string[] {
  if (!/^(ssh|tcp|unix|docker-container|kube-pod):\/\//.test(o.endpoint)) {
    throw new Error(`"${o.endpoint}" is not a builder endpoint; use ssh://user@host or tcp://host:port`);
  }
  return compose(
    ['docker', 'buildx', 'create', '--append'],
    named('--name', o.builder),
    named('--node', o.node),
    named('--platform', o.platforms.join(',')),
    [o.endpoint],
  );
}

export function removeNodeArgv(builder: string, node: string): string[] {
  return ['docker', 'buildx', 'create', '--leave', '--name', builder, '--node', node];
}

export function useBuilderArgv(name: string, asDefault = false): string[] {
  return compose(['docker', 'buildx', 'use'], flag('--default', asDefault), [name]);
}

export function inspectBuilderArgv(name?: string, bootstrap = true): string[] {
  return compose(['docker', 'buildx', 'inspect'], flag('--bootstrap', bootstrap), name ? [name] : []);
}

export function listBuildersArgv(): string[] {
  return ['docker', 'buildx', 'ls'];
}

export function removeBuilderArgv(name: string): string[] {
  return ['docker', 'buildx', 'rm', name];
}

/** Registers QEMU handlers for every platform (what the "platform unavailable" fix runs after confirmation). */
export function installBinfmtArgv(): string[] {
  return ['docker', 'run', '--privileged', '--rm', 'tonistiigi/binfmt', '--install', 'all'];
}
