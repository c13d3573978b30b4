import { strict as assert } from 'node:assert';
import { prepareBuild, PrepareError, type PrepareOptions } from '../../../src/core/build/prepare';
import type { Availability } from '../../../src/core/engines/emulation';
import { sampleConfig } from '../helpers/sampleConfig';

const podman = async () => ({
  ok: true as const,
  engine: { kind: 'podman' as const, version: '4.3.1', reason: 'test', canLoadManifestList: true },
});
const native = async (_e: unknown, platforms: string[]) => ({
  host: 'linux/amd64',
  availability: platforms.map((platform): Availability => ({ platform, state: 'native' })),
});

function prepare(extra: string, o: Partial<PrepareOptions>) {
  return prepareBuild(sampleConfig(extra), {
    mode: 'build',
    engine: 'auto',
    env: {},
    choose: podman,
    support: native,
    reachable: async () => ({ ok: true }),
    brokenImages: async () => [],
    stateProblem: async () => undefined,
    ...o,
  });
}

async function failure(p: Promise<unknown>): Promise<PrepareError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof PrepareError) return err;
    throw err;
  }
  assert.fail('expected a PrepareError');
}

describe('prepareBuild', () => {
  it('plans with the chosen engine and the programs from $MULTIARCH_PODMAN', async () => {
    const r = await prepare('', { env: { MULTIARCH_PODMAN: '/opt/podman' }, variants: ['redis'] });
    assert.equal(r.engine.kind, 'podman');
    assert.equal(r.programs.podman, '/opt/podman');
    assert.deepEqual(
      r.plan.jobs.map((j) => [j.id, j.program]),
      [['redis', 'podman']],
    );
  });

  it('no usable engine: an environment error whose action selects an engine; a plan falls back to buildx', async () => {
    const none = async () => ({ ok: false as const, message: 'no container engine is usable' });
    const e = await failure(prepare('', { choose: none }));
    assert.deepEqual([e.kind, e.action, e.message], ['environment', 'selectEngine', 'no container engine is usable']);
    const plan = await prepare('', { choose: none, mode: 'plan' });
    assert.equal(plan.engine.kind, 'buildx');
    assert.match(
      plan.engine.reason,
      /no engine detected, showing docker buildx commands \(no container engine is usable\)/,
    );
    assert.equal(plan.plan.jobs[0]!.argv[2], 'bake');
  });

  it('a platform that cannot run here names the fix and offers to install emulators', async () => {
    const support = async (_e: unknown, platforms: string[]) => ({
      host: 'linux/amd64',
      availability: platforms.map((platform): Availability =>
        platform === 'linux/arm64'
          ? { platform, state: 'unavailable', fix: 'register QEMU' }
          : { platform, state: 'native' },
      ),
    });
    const e = await failure(prepare('', { support }));
    assert.deepEqual(
      [e.kind, e.action, e.message],
      ['environment', 'installEmulators', 'cannot build linux/arm64 with podman here: register QEMU'],
    );
  });

  it('push: needs a registry in the config (also from a task), and the registry must answer', async () => {
    const noRegistry = await failure(prepare('', { output: 'push' }));
    assert.deepEqual([noRegistry.kind, noRegistry.action], ['usage', 'openConfig']);
    assert.match(noRegistry.message, /^pushing openhqm:v1-minimal needs a registry: set "registry:"/);
    const asked: string[] = [];
    const down = await failure(
      prepare('registry: 127.0.0.1:5999', {
        output: 'push',
        reachable: async (host) => (asked.push(host), { ok: false, reason: 'connect ECONNREFUSED' }),
      }),
    );
    assert.deepEqual(asked, ['127.0.0.1:5999']);
    assert.equal(
      down.message,
      'registry 127.0.0.1:5999 is unreachable (connect ECONNREFUSED); start it or fix "registry:" in the config, then push again',
    );
    // A plan runs nothing: no registry needed to show the push commands.
    assert.equal((await prepare('', { output: 'push', mode: 'plan' })).plan.jobs[0]!.output, 'push');
  });

  it('an unknown variant is a usage error that opens the config', async () => {
    const e = await failure(prepare('', { variants: ['kafka'] }));
    assert.deepEqual([e.kind, e.action], ['usage', 'openConfig']);
    assert.match(e.message, /unknown variant "kafka"/);
  });

  it('podman: a project manifest list pointing at a missing image is named, with the fix offered', async () => {
    const asked: string[][] = [];
    const brokenImages = async (program: string, tags: string[]) => {
      asked.push([program, ...tags]);
      return [
        {
          ref: 'openhqm:v1-redis',
          missing: [
            {
              platform: 'linux/arm64',
              digest: 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
            },
          ],
        },
      ];
    };
    const e = await failure(prepare('', { env: { MULTIARCH_PODMAN: '/opt/podman' }, brokenImages }));
    assert.deepEqual([e.kind, e.action, e.images], ['environment', 'removeBrokenImage', ['openhqm:v1-redis']]);
    assert.equal(
      e.message,
      'the podman manifest list openhqm:v1-redis points at its linux/arm64 image (sha256:0123456789ab…), which is no longer in the store, so podman fails on it. Remove the broken image (podman manifest rm openhqm:v1-redis; its other platform images stay), then build again',
    );
    assert.equal(asked[0]![0], '/opt/podman');
    assert.ok(asked[0]!.includes('openhqm:v1-sqs'), 'every variant of the project is checked');
  });
});
