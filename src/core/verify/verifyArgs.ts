import type { EngineKind } from '../jobs';

export const DEFAULT_VERIFY_COMMAND = ['uname', '-m'];
export const DEFAULT_CHECK_NETWORK = 'none';

export interface RunSpec {
  platform: string;
  image: string;
  command: string[];
  /** Container name, so a check that times out can be removed by name. */
  name: string;
  /** `--network`; default none. */
  network?: string;
}

function program(engine: EngineKind, bin?: string): string {
  return bin ?? (engine === 'podman' ? 'podman' : 'docker');
}

/**
 * `docker|podman run --rm --name N --network none --platform P --entrypoint cmd IMAGE args…`.
 * The command's program goes in `--entrypoint` so an image's own ENTRYPOINT (a server, a shell script)
 * does not receive the check's command as its arguments.
 */
export function runArgv(engine: EngineKind, spec: RunSpec, bin?: string): string[] {
  const [first, ...rest] = spec.command.length ? spec.command : DEFAULT_VERIFY_COMMAND;
  return [
    program(engine, bin),
    'run',
    '--rm',
    '--name',
    spec.name,
    '--network',
    spec.network ?? DEFAULT_CHECK_NETWORK,
    '--platform',
    spec.platform,
    '--entrypoint',
    first!,
    spec.image,
    ...rest,
  ];
}

/** Removes a check's container now: podman's `rm -f` would first wait 10 s for a stop. */
export function removeArgv(engine: EngineKind, name: string, bin?: string): string[] {
  const p = program(engine, bin);
  return engine === 'podman' ? [p, 'rm', '--force', '--time', '0', name] : [p, 'rm', '--force', name];
}

/** A container name unique to this run: multiarch-verify-<variant>-<arch>-<random>. */
export function containerName(variant: string, platform: string, random: string): string {
  const arch = platform.split('/').slice(1).join('');
  return `multiarch-verify-${variant}-${arch}-${random}`.replace(/[^A-Za-z0-9_.-]/g, '-');
}
