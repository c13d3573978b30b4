import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { BuildRunner } from '../../src/core/build/runner';
import { programsFromEnv } from '../../src/core/engines/detect';
import { parseManifestList, platformRefs } from '../../src/core/engines/podmanOutput';
import { buildPlan } from '../../src/core/matrix/plan';
import type { CellStatus } from '../../src/core/results/types';
import {
  cancelDuringLongRun,
  env,
  eventually,
  fixtureWorkspace,
  processesWithArgv,
  registry,
  removeBuiltImages,
  tool,
  unameFor,
} from './helpers';

const runner = () => new BuildRunner({ programs: programsFromEnv(env), env, concurrency: 3 });
const platforms = ['linux/amd64', 'linux/arm64'];

describe('podman: the fixture for linux/amd64 + linux/arm64, one manifest per variant', function () {
  this.timeout(240_000);
  const built: string[] = [];
  after(() => removeBuiltImages('podman', 'podman', built));

  it('builds every variant; each platform image has the right architecture in its config and when run', async () => {
    const config = await fixtureWorkspace();
    const plan = buildPlan(config, { engine: 'podman', canLoadManifestList: true });
    built.push(...plan.jobs.flatMap((j) => j.tags));
    assert.equal(plan.jobs.length, 3);
    const states: string[] = [];
    const summary = await runner().run(plan, {
      config,
      onStatus: (c, s: CellStatus) => states.push(`${c.variant}@${c.platform}:${s}`),
    });
    assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
    assert.equal(summary.records.length, 6);
    assert.ok(states.includes('redis@linux/arm64:succeeded'));

    for (const job of plan.jobs) {
      const name = job.tags[0]!;
      const entries = parseManifestList((await tool(['podman', 'manifest', 'inspect', name])).stdout);
      assert.deepEqual(entries.map((e) => e.platform).sort(), platforms, `${name} manifest`);
      const refs = platformRefs(name, entries);
      for (const platform of platforms) {
        const ref = refs[platform]!;
        const arch = (await tool(['podman', 'image', 'inspect', '--format', '{{.Architecture}}', ref])).stdout.trim();
        assert.equal(arch, platform.split('/')[1], `${ref} config architecture`);
        const ran = await tool(['podman', 'run', '--rm', '--platform', platform, name]);
        assert.equal(ran.stdout.trim(), unameFor[platform], `${name} run on ${platform}`);
        const recorded = await tool(['podman', 'run', '--rm', ref, 'cat', '/build-arch', '/build-backend']);
        assert.equal(recorded.stdout, `${unameFor[platform]}\n${job.variant}`);
      }
    }
  });

  it('pushes a variant to the local registry; the index read back with skopeo lists both architectures', async () => {
    const config = await fixtureWorkspace((y) => `${y}registry: ${registry}\n`);
    const plan = buildPlan(config, { engine: 'podman', variants: ['sqs'], output: 'push' });
    built.push(...plan.jobs.flatMap((j) => j.tags));
    const summary = await runner().run(plan, { config });
    assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
    const ref = plan.jobs[0]!.tags[0]!;
    assert.ok(ref.startsWith(`${registry}/`));
    const index = (await tool(['skopeo', 'inspect', '--raw', '--tls-verify=false', `docker://${ref}`])).stdout;
    const entries = parseManifestList(index);
    assert.deepEqual(entries.map((e) => e.platform).sort(), platforms);
    for (const e of entries) {
      const cfg = JSON.parse(
        (
          await tool([
            'skopeo',
            'inspect',
            '--config',
            '--tls-verify=false',
            `docker://${ref.replace(/:[^:/]+$/, '')}@${e.digest}`,
          ])
        ).stdout,
      );
      assert.equal(`${cfg.os}/${cfg.architecture}`, e.platform);
    }
  });

  it('exports an OCI archive holding both platforms', async () => {
    const config = await fixtureWorkspace();
    const plan = buildPlan(config, { engine: 'podman', variants: ['minimal'], output: 'oci' });
    built.push(...plan.jobs.flatMap((j) => j.tags));
    const summary = await runner().run(plan, { config });
    assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
    const archive = plan.jobs[0]!.ociPath!;
    assert.ok(existsSync(archive));
    assert.equal(summary.records[0]!.ociPath, archive);
    const entries = parseManifestList((await tool(['skopeo', 'inspect', '--raw', `oci-archive:${archive}`])).stdout);
    assert.deepEqual(entries.map((e) => e.platform).sort(), platforms);
  });

  it('a hostile build arg reaches the RUN step verbatim', async () => {
    const hostile = `a$b; c "q" 'x' \`id\` $(touch /pwned) & | > <`;
    const config = await fixtureWorkspace((y) =>
      y
        .replace(/^variantArg: .*\n/m, '')
        .replace(
          /^variants:[\s\S]*$/m,
          `variants:\n  hostile:\n    platforms: [linux/arm64]\n    args:\n      QUEUE_BACKEND: ${JSON.stringify(hostile)}\n`,
        ),
    );
    const plan = buildPlan(config, { engine: 'podman' });
    built.push(...plan.jobs.flatMap((j) => j.tags));
    const summary = await runner().run(plan, { config });
    assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
    const name = plan.jobs[0]!.tags[0]!;
    const ref = platformRefs(name, parseManifestList((await tool(['podman', 'manifest', 'inspect', name])).stdout))[
      'linux/arm64'
    ]!;
    const out = await tool(['podman', 'run', '--rm', ref, 'cat', '/build-backend']);
    assert.equal(out.stdout, hostile);
  });

  it('a failing RUN is reported at its Dockerfile line', async () => {
    const config = await fixtureWorkspace();
    await writeFile(
      config.variants[0]!.dockerfile,
      'FROM scratch\nARG TARGETARCH\nCOPY rootfs-${TARGETARCH}/ /\n\nRUN echo failing && exit 3\n',
    );
    const plan = buildPlan(config, { engine: 'podman', variants: ['minimal'], platforms: ['linux/amd64'] });
    built.push(...plan.jobs.flatMap((j) => j.tags));
    const summary = await runner().run(plan, { config });
    assert.equal(summary.ok, false);
    assert.deepEqual(summary.outcomes[0]!.problem, {
      file: config.variants[0]!.dockerfile,
      line: 5,
      message: 'building at STEP "RUN echo failing && exit 3": while running runtime: exit status 3',
      exitCode: 3,
    });
  });

  it('cancelling a build in a long RUN step leaves no process behind', async () => {
    const { statuses, marker, tags } = await cancelDuringLongRun('podman', runner());
    built.push(...tags);
    assert.deepEqual(statuses, ['cancelled']);
    await eventually(
      () => processesWithArgv(['sleep', marker]).length === 0,
      15_000,
      'the RUN step process to be gone',
    );
  });
});
