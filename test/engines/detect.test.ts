import { strict as assert } from 'node:assert';
import { chooseEngine, detectEngines } from '../../src/core/engines/detect';
import { enabledQemuHandlers, hostPlatform, localAvailability } from '../../src/core/engines/emulation';
import { env } from './helpers';

describe('engine detection on this machine (real podman, dockerd, binfmt_misc)', () => {
  it('finds podman and Debian docker (BuildKit without buildx), and auto picks podman saying why', async () => {
    const d = await detectEngines({ env });
    assert.equal(d.podman.available, true, d.podman.problem);
    assert.match(d.podman.version!, /^4\./);
    assert.equal(d.docker.available, true, d.docker.problem);
    assert.match(d.docker.server!, /^20\.10\./);
    assert.equal(d.docker.containerdStore, false);
    assert.equal(d.buildx.available, false);
    const c = chooseEngine('auto', d);
    assert.ok(c.ok);
    assert.equal(c.engine.kind, 'podman');
    assert.match(c.engine.reason, /buildx not available/);
  });

  it('reports a stopped daemon and a missing program as problems', async () => {
    const d = await detectEngines({
      env: { ...env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
      programs: { podman: '/nonexistent/podman' },
    });
    assert.equal(d.docker.available, false);
    assert.match(d.docker.problem!, /daemon not reachable/i);
    assert.match(d.podman.problem!, /not installed/);
  });

  it('sees the QEMU handler the setup registered, so linux/arm64 is emulated here', async () => {
    const handlers = await enabledQemuHandlers();
    assert.ok(handlers.includes('qemu-aarch64'), `handlers: ${handlers.join(', ')}`);
    assert.equal(hostPlatform(), 'linux/amd64');
    assert.equal(localAvailability('linux/arm64', hostPlatform(), handlers).state, 'emulated');
  });
});
