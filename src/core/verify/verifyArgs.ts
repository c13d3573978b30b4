import type { EngineKind } from '../matrix/types';

export const DEFAULT_VERIFY_COMMAND = ['uname', '-m'];

/**
 * `docker run --rm --platform P IMAGE cmd…` / `podman run --rm --platform P IMAGE cmd…`.
 * The command's program goes in `--entrypoint` so an image's own ENTRYPOINT (a server, a shell script)
 * does not receive `uname -m` as its arguments.
 */
export function runArgv(engine: EngineKind, platform: string, image: string, command: string[], program?: string): string[] {
  const bin = program ?? (engine === 'podman' ? 'podman' : 'docker');
  const [first, ...rest] = command.length ? command : DEFAULT_VERIFY_COMMAND;
  return [bin, 'run', '--rm', '--platform', platform, '--entrypoint', first!, image, ...rest];
}
