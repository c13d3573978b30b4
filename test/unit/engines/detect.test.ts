import { strict as assert } from 'node:assert';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseEngine, programsFromEnv, withProgram, type Detection } from '../../../src/core/engines/detect';
import {
  enabledQemuHandlers,
  hostPlatform,
  localAvailability,
  qemuHandlerFor,
} from '../../../src/core/engines/emulation';

const none: Detection = {
  buildx: { available: false, problem: "docker: 'buildx' is not a docker command." },
  docker: { available: false, problem: 'docker is not installed (not found on PATH)' },
  podman: { available: false, problem: 'podman is not installed (not found on PATH)' },
};

describe('engine choice', () => {
  it('auto prefers buildx, and says it loads manifest lists only with the containerd store', () => {
    const d: Detection = {
      ...none,
      buildx: { available: true, version: '0.17.1' },
      docker: { available: true, server: '27.3.1', containerdStore: true },
    };
    const c = chooseEngine('auto', d);
    assert.ok(c.ok);
    assert.deepEqual(c.engine, {
      kind: 'buildx',
      version: '0.17.1',
      reason: 'auto: docker buildx 0.17.1 found',
      canLoadManifestList: true,
    });
  });

  it('auto falls back to podman, then docker, giving the reason', () => {
    const podman = chooseEngine('auto', {
      ...none,
      podman: { available: true, version: '4.3.1' },
      docker: { available: true, server: '20.10.24' },
    });
    assert.ok(podman.ok);
    assert.equal(podman.engine.kind, 'podman');
    assert.match(
      podman.engine.reason,
      /podman 4\.3\.1 found; buildx not available \(docker: 'buildx' is not a docker command\.\)/,
    );
    const docker = chooseEngine('auto', { ...none, docker: { available: true, server: '20.10.24' } });
    assert.ok(docker.ok);
    assert.equal(docker.engine.kind, 'docker');
    assert.equal(docker.engine.canLoadManifestList, false);
    assert.match(docker.engine.reason, /one platform per build/);
  });

  it('buildx without a reachable daemon is not usable', () => {
    const c = chooseEngine('buildx', {
      ...none,
      buildx: { available: true, version: '0.11.2' },
      docker: { available: false, problem: 'Docker daemon not reachable' },
    });
    assert.equal(c.ok, false);
  });

  it('an explicit engine that is missing fails with what to do next', () => {
    const c = chooseEngine('podman', none);
    assert.ok(!c.ok);
    assert.match(c.message, /podman is not installed/);
    assert.match(c.message, /Install Docker with the buildx plugin, or podman/);
    const all = chooseEngine('auto', none);
    assert.ok(!all.ok);
    assert.match(all.message, /no container engine is usable/);
  });

  it('an explicit engine that is installed but fails says to mend what it says, not to install one', () => {
    // podman 4.3's own line when CONTAINERS_STORAGE_CONF names a file that is not there.
    const problem =
      'time="2026-12-08T00:35:38Z" level=error msg="stat /tmp/store/storage.conf: no such file or directory"';
    const c = chooseEngine('podman', { ...none, podman: { available: false, problem } });
    assert.ok(!c.ok);
    assert.ok(c.message.includes(problem), c.message);
    assert.match(
      c.message,
      /podman is installed: fix what it says .* or choose "auto" or another engine \(multiarch\.engine; --engine in the CLI\)\.$/,
    );
    assert.doesNotMatch(c.message, /Install Docker/);
  });
});

describe('emulation', () => {
  it('maps node arch to OCI platforms and platforms to QEMU handlers', () => {
    assert.equal(hostPlatform('x64', 'linux'), 'linux/amd64');
    assert.equal(hostPlatform('arm64', 'darwin'), 'darwin/arm64');
    assert.equal(qemuHandlerFor('linux/arm64'), 'qemu-aarch64');
    assert.equal(qemuHandlerFor('linux/arm/v7'), 'qemu-arm');
    assert.equal(qemuHandlerFor('linux/wasm'), undefined);
  });

  it('reads enabled handlers from a binfmt_misc folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'binfmt-'));
    await writeFile(
      join(dir, 'qemu-aarch64'),
      'enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: POCF\n',
    );
    await writeFile(join(dir, 'qemu-riscv64'), 'disabled\ninterpreter /usr/libexec/qemu-binfmt/riscv64-binfmt-P\n');
    await writeFile(join(dir, 'register'), '');
    assert.deepEqual(await enabledQemuHandlers(dir), ['qemu-aarch64']);
    assert.deepEqual(await enabledQemuHandlers(join(dir, 'missing')), []);
  });

  it('says whether a platform is native, emulated or unavailable with the fix', () => {
    assert.deepEqual(localAvailability('linux/amd64', 'linux/amd64', []), { platform: 'linux/amd64', state: 'native' });
    assert.deepEqual(localAvailability('linux/arm64', 'linux/amd64', ['qemu-aarch64']), {
      platform: 'linux/arm64',
      state: 'emulated',
      handler: 'qemu-aarch64',
    });
    const a = localAvailability('linux/riscv64', 'linux/amd64', ['qemu-aarch64']);
    assert.equal(a.state, 'unavailable');
    assert.match(a.state === 'unavailable' ? a.fix : '', /update-binfmts --enable qemu-riscv64/);
  });
});

describe('engine programs', () => {
  it('$MULTIARCH_DOCKER / $MULTIARCH_PODMAN replace docker and podman in first place, nothing else', () => {
    const programs = programsFromEnv({ MULTIARCH_DOCKER: '/usr/bin/docker', MULTIARCH_PODMAN: '' });
    assert.deepEqual(programs, { docker: '/usr/bin/docker', podman: 'podman' });
    assert.deepEqual(withProgram(['docker', 'buildx', 'ls'], programs), ['/usr/bin/docker', 'buildx', 'ls']);
    assert.deepEqual(withProgram(['skopeo', 'docker'], programs), ['skopeo', 'docker']);
  });
});
