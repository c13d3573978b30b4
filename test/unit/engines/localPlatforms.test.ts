import { strict as assert } from 'node:assert';
import { localPlatformLookup, parseInspectPlatform } from '../../../src/core/engines/localPlatforms';
import type { ToolResult } from '../../../src/core/engines/exec';
import { fixture } from './fixture';

const ok = (stdout: string): ToolResult => ({ ok: true, exitCode: 0, stdout, stderr: '', timedOut: false });
const fail = (stderr: string): ToolResult => ({ ok: false, exitCode: 125, stdout: '', stderr, timedOut: false });

describe('local image store platforms', () => {
  it('reads the platform of podman and docker image inspect output (recorded)', () => {
    assert.equal(parseInspectPlatform(fixture('podman-image-inspect.txt')), 'linux/arm64');
    assert.equal(parseInspectPlatform(fixture('docker-image-inspect.txt')), 'linux/arm64');
    assert.equal(parseInspectPlatform('[]'), undefined);
  });

  /** Recorded answers by argv; anything else is what podman/docker print for an unknown name. */
  function runner(answers: Record<string, ToolResult>, calls: string[]) {
    return async (argv: string[]) => {
      const key = argv.join(' ');
      calls.push(key);
      return answers[key] ?? fail('Error: image not known');
    };
  }

  it('a podman manifest list is the whole answer; images from both stores are merged', async () => {
    const calls: string[] = [];
    const lookup = localPlatformLookup({
      programs: { podman: 'podman', docker: 'docker' },
      run: runner(
        {
          'podman manifest exists app:list': ok(''),
          'podman manifest inspect app:list': ok(fixture('podman-manifest-inspect.txt')),
          'podman image inspect app:one': ok(fixture('podman-image-inspect.txt')),
          'docker image inspect app:one': ok(JSON.stringify([{ Os: 'linux', Architecture: 'amd64' }])),
        },
        calls,
      ),
    });
    assert.deepEqual(await lookup('app:list'), { platforms: ['linux/arm64', 'linux/amd64'], list: true });
    assert.deepEqual(await lookup('app:one'), { platforms: ['linux/arm64', 'linux/amd64'], list: false });
    assert.equal(await lookup('app:none'), undefined);
    // Only local commands: `manifest inspect` runs only for a list `manifest exists` found.
    assert.ok(!calls.includes('podman manifest inspect app:one'));
  });

  it('an engine that is not installed or does not answer is no answer', async () => {
    const lookup = localPlatformLookup({
      programs: { podman: 'podman', docker: 'docker' },
      run: async (argv) =>
        argv[0] === 'podman'
          ? { ok: false, exitCode: -1, stdout: '', stderr: 'podman: not found', timedOut: false, spawnError: 'ENOENT' }
          : { ok: false, exitCode: -1, stdout: '', stderr: '', timedOut: true },
    });
    assert.equal(await lookup('alpine'), undefined);
  });
});
