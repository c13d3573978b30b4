import { strict as assert } from 'node:assert';
import { parseDockerInfo, parseDockerVersion } from '../../../src/core/engines/dockerOutput';
import { OutputParseError } from '../../../src/core/engines/jsonSchema';
import {
  parseManifestList,
  parsePodmanInfo,
  parsePodmanVersion,
  platformRefs,
} from '../../../src/core/engines/podmanOutput';
import { fixture } from './fixture';

describe('podman output (recorded with podman 4.3.1)', () => {
  it('reads the version', () => {
    assert.deepEqual(parsePodmanVersion(fixture('podman-version.txt')), { version: '4.3.1', osArch: 'linux/amd64' });
  });

  it('reads host, store and insecure registries from podman info', () => {
    const info = parsePodmanInfo(fixture('podman-info.txt'));
    assert.equal(info.arch, 'amd64');
    assert.equal(info.os, 'linux');
    assert.equal(info.buildahVersion, '1.28.2');
    assert.equal(info.ociRuntime, 'runc');
    assert.equal(info.graphDriver, 'overlay');
    assert.equal(info.rootless, false);
    assert.deepEqual(info.insecureRegistries, ['127.0.0.1:5000']);
  });

  it('lists the platforms of a manifest list and their name@digest references', () => {
    const entries = parseManifestList(fixture('podman-manifest-inspect.txt'));
    // Recorded order: podman adds each platform as its build finishes.
    assert.deepEqual(entries.map((e) => e.platform).sort(), ['linux/amd64', 'linux/arm64']);
    assert.match(entries[0]!.digest, /^sha256:[0-9a-f]{64}$/);
    const refs = platformRefs('localhost/multiarch-app:fixture-minimal', entries);
    const arm = entries.find((e) => e.platform === 'linux/arm64')!;
    assert.equal(refs['linux/arm64'], `localhost/multiarch-app@${arm.digest}`);
  });

  it('rejects output of the wrong shape with a message naming the command', () => {
    assert.throws(
      () => parsePodmanVersion('{"Server":{}}'),
      (e: Error) => e instanceof OutputParseError && /podman version/.test(e.message),
    );
    assert.throws(() => parsePodmanInfo('not json'), OutputParseError);
  });
});

describe('docker output (recorded with Debian docker.io 20.10.24)', () => {
  it('reads client and server versions', () => {
    assert.deepEqual(parseDockerVersion(fixture('docker-version.txt')), {
      client: '20.10.24+dfsg1',
      server: '20.10.24+dfsg1',
      apiVersion: '1.41',
      serverArch: 'amd64',
    });
  });

  it('has no server when the daemon is down (first line of the recorded output)', () => {
    const v = parseDockerVersion(fixture('docker-version-daemon-down.txt').split('\n')[0]!);
    assert.equal(v.client, '20.10.24+dfsg1');
    assert.equal(v.server, undefined);
  });

  it('reads docker info: overlay2 is the classic store, not containerd', () => {
    const info = parseDockerInfo(fixture('docker-info.txt'));
    assert.equal(info.serverVersion, '20.10.24+dfsg1');
    assert.equal(info.driver, 'overlay2');
    assert.equal(info.architecture, 'x86_64');
    assert.equal(info.containerdStore, false);
  });

  it('detects the containerd image store from DriverStatus driver-type', () => {
    // The DriverStatus pair docker info prints as "driver-type: io.containerd.snapshotter.v1" (Docker 24+ with
    // the containerd store, see docs.docker.com/storage/containerd); spliced into the recorded 20.10 output.
    const recorded = JSON.parse(fixture('docker-info.txt')) as Record<string, unknown>;
    const withStore = {
      ...recorded,
      Driver: 'overlayfs',
      DriverStatus: [['driver-type', 'io.containerd.snapshotter.v1']],
    };
    assert.equal(parseDockerInfo(JSON.stringify(withStore)).containerdStore, true);
  });
});
