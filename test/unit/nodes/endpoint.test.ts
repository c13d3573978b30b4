import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { engineArgs, onNode } from '../../../src/core/nodes/endpoint';
import { unreachableMessage } from '../../../src/core/nodes/probe';
import {
  parseDockerPlatforms,
  parseDockerServerVersion,
  parsePodmanPlatforms,
  parsePodmanServerVersion,
} from '../../../src/core/nodes/probeOutput';
import type { BuildNode } from '../../../src/core/nodes/types';

const node = (engine: BuildNode['engine'], endpoint: string): BuildNode => ({
  name: 'arm-box',
  engine,
  endpoint,
  platforms: ['linux/arm64'],
  source: 'config',
});
const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/nodes', name), 'utf8');

describe('nodes: engine flags', () => {
  it('points podman at a URL or a system connection, docker at a host or a context', () => {
    assert.deepEqual(engineArgs(node('podman', 'ssh://builder@arm-box/run/podman/podman.sock')), [
      '--url',
      'ssh://builder@arm-box/run/podman/podman.sock',
    ]);
    assert.deepEqual(engineArgs(node('podman', 'tcp://127.0.0.2:10888')), ['--url', 'tcp://127.0.0.2:10888']);
    assert.deepEqual(engineArgs(node('podman', 'graviton')), ['--connection', 'graviton']);
    assert.deepEqual(engineArgs(node('docker', 'unix:///run/x.sock')), ['--host', 'unix:///run/x.sock']);
    assert.deepEqual(engineArgs(node('docker', 'arm-ctx')), ['--context', 'arm-ctx']);
  });

  it('inserts them after argv[0] and leaves local argv as it is', () => {
    const argv = ['podman', 'build', '--platform', 'linux/arm64', '.'];
    assert.deepEqual(onNode(argv, node('podman', 'tcp://h:1')), [
      'podman',
      '--url',
      'tcp://h:1',
      'build',
      '--platform',
      'linux/arm64',
      '.',
    ]);
    assert.equal(onNode(argv, undefined), argv);
  });
});

describe('nodes: probe answers (recorded from the real second engines)', () => {
  it('reads podman 4.3.1 over --url', () => {
    assert.deepEqual(parsePodmanServerVersion(fixture('podman-4.3.1-remote-version.json')), {
      version: '4.3.1',
      platform: 'linux/amd64',
    });
    assert.deepEqual(parsePodmanPlatforms(fixture('podman-4.3.1-remote-info.json')), { native: ['linux/amd64'] });
  });

  it('reads dockerd 20.10.24 over --host', () => {
    assert.deepEqual(parseDockerServerVersion(fixture('docker-20.10.24-version.json')), {
      version: '20.10.24+dfsg1',
      platform: 'linux/amd64',
    });
    assert.deepEqual(parseDockerPlatforms(fixture('docker-20.10.24-info.json')), { native: ['linux/amd64'] });
  });

  it('a podman client that never reached a service has no Server part: not an answer', () => {
    assert.throws(
      () => parsePodmanServerVersion('{"Client":{"Version":"4.3.1","OsArch":"linux/amd64"}}'),
      /podman version: unexpected output/,
    );
  });

  it('lists the emulators newer podman reports, without the native platform', () => {
    const info = JSON.stringify({
      host: { os: 'linux', arch: 'arm64', emulatedArchitectures: ['linux/amd64', 'linux/arm64', 'linux/riscv64'] },
    });
    assert.deepEqual(parsePodmanPlatforms(info), {
      native: ['linux/arm64'],
      emulated: ['linux/amd64', 'linux/riscv64'],
    });
  });

  it('maps docker info machine names to platforms', () => {
    assert.deepEqual(parseDockerPlatforms('{"OSType":"linux","Architecture":"aarch64"}'), { native: ['linux/arm64'] });
    assert.deepEqual(parseDockerPlatforms('{"OSType":"linux","Architecture":"armv7l"}'), { native: ['linux/arm/v7'] });
  });
});

describe('nodes: unreachable message', () => {
  const n = node('podman', 'ssh://builder@arm-box');
  it('names the node and endpoint, the timeout, and the next step', () => {
    const m = unreachableMessage(n, { ok: false, exitCode: -1, stdout: '', stderr: '', timedOut: true }, 10_000);
    assert.match(
      m,
      /^node arm-box \(ssh:\/\/builder@arm-box\) did not answer within 10 s; check that the machine is on and its podman API service runs/,
    );
    assert.match(m, /or remove the node from the project's nodes: to build its platforms here$/);
  });

  it("quotes the engine's own cause, not its generic advice", () => {
    const stderr =
      'Cannot connect to Podman. Please verify your connection to the Linux system using `podman system connection list`, or try `podman machine init` and `podman machine start` to manage a new Linux VM\nError: unable to connect to Podman socket: Get "http://d/v4.3.1/libpod/_ping": dial tcp 127.0.0.3:1: connect: connection refused\n';
    const m = unreachableMessage(n, { ok: false, exitCode: 125, stdout: '', stderr, timedOut: false }, 2000);
    assert.match(m, /did not answer \(unable to connect to Podman socket: .*connection refused\); check/);
  });
});

describe('nodes: cancel on a podman node', () => {
  it('removes the working containers created on the node since the job started, and only those', async () => {
    const { removeRemoteWorkingContainers } = await import('../../../src/core/build/cleanup');
    const ps = fixture('podman-4.3.1-remote-ps-external.json');
    const calls: string[][] = [];
    const run = async (argv: string[]) => {
      calls.push(argv);
      return { ok: true, exitCode: 0, stdout: argv[1] === 'ps' ? ps : '', stderr: '', timedOut: false };
    };
    const created = 1796042810 * 1000;
    assert.deepEqual(await removeRemoteWorkingContainers('podman', run, created - 500), [
      'ec225572dcd14e70c47fe6f270b21130878b0ff85f437b3e4e5cb3517058b916',
    ]);
    assert.deepEqual(calls.at(-1), [
      'podman',
      'rm',
      '--force',
      'ec225572dcd14e70c47fe6f270b21130878b0ff85f437b3e4e5cb3517058b916',
    ]);
    calls.length = 0;
    assert.deepEqual(
      await removeRemoteWorkingContainers('podman', run, created + 60_000),
      [],
      "one made before the job is another build's",
    );
    assert.equal(calls.length, 1);
  });
});
