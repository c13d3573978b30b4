import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildRunner } from '../../src/core/build/runner';
import { programsFromEnv } from '../../src/core/engines/detect';
import { buildPlan } from '../../src/core/matrix/plan';
import {
  cancelDuringLongRun,
  docker,
  env,
  eventually,
  fixtureWorkspace,
  processesWithArgv,
  projectWorkspace,
  pushColdBase,
  registry,
  removeBuiltImages,
  removeColdBases,
  tool,
  unameFor,
} from './helpers';
import { removeFromRegistry } from './cleanup';

const runner = () => new BuildRunner({ programs: programsFromEnv(env), env, concurrency: 2 });

describe('dockerd 20.10 with BuildKit (no buildx): one build per platform', function () {
  this.timeout(240_000);
  const built: string[] = [];
  after(async () => {
    await removeBuiltImages('docker', docker, built);
    await removeColdBases();
  });

  it('builds a variant per platform under per-arch tags; architecture from the image config and when run', async () => {
    const config = await fixtureWorkspace();
    const plan = buildPlan(config, { engine: 'docker', variants: ['redis'] });
    built.push(...plan.jobs.flatMap((j) => j.tags));
    assert.deepEqual(
      plan.jobs.map((j) => j.platforms),
      [['linux/amd64'], ['linux/arm64']],
    );
    assert.ok(plan.jobs.every((j) => j.env?.DOCKER_BUILDKIT === '1'));
    const summary = await runner().run(plan, { config });
    assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
    for (const job of plan.jobs) {
      const platform = job.platforms[0]!;
      const tag = job.platformTags![platform]!;
      assert.match(tag, new RegExp(`-redis-${platform.split('/')[1]}$`));
      assert.equal(summary.records.find((r) => r.platform === platform)!.image, tag);
      const cfg = (
        await tool([docker, 'image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', tag])
      ).stdout.trim();
      assert.equal(cfg, platform);
      assert.equal((await tool([docker, 'run', '--rm', tag])).stdout.trim(), unameFor[platform]);
      assert.equal((await tool([docker, 'run', '--rm', tag, 'cat', '/build-backend'])).stdout, 'redis');
    }
  });

  it('pushes each per-arch tag to the local registry; skopeo reads back each config architecture', async () => {
    const config = await fixtureWorkspace((y) => `${y}registry: ${registry}\n`);
    const plan = buildPlan(config, { engine: 'docker', variants: ['minimal'], output: 'push' });
    built.push(...plan.jobs.flatMap((j) => j.tags));
    const summary = await runner().run(plan, { config });
    assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
    for (const job of plan.jobs) {
      const tag = job.tags[0]!;
      assert.ok(tag.startsWith(`${registry}/`));
      const cfg = JSON.parse(
        (await tool(['skopeo', 'inspect', '--config', '--tls-verify=false', `docker://${tag}`])).stdout,
      );
      assert.equal(`${cfg.os}/${cfg.architecture}`, job.platforms[0]);
    }
  });

  it('saves each platform image to an archive in OCI mode', async () => {
    const config = await fixtureWorkspace();
    const plan = buildPlan(config, { engine: 'docker', variants: ['sqs'], platforms: ['linux/arm64'], output: 'oci' });
    built.push(...plan.jobs.flatMap((j) => j.tags));
    const summary = await runner().run(plan, { config });
    assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
    const archive = plan.jobs[0]!.ociPath!;
    assert.ok(existsSync(archive));
    const cfg = JSON.parse((await tool(['skopeo', 'inspect', '--config', `docker-archive:${archive}`])).stdout);
    assert.equal(cfg.architecture, 'arm64');
  });

  it('a hostile build arg reaches the RUN step verbatim', async () => {
    const hostile = `a$b; c "q" 'x' \`id\` $(touch /pwned) & | > <`;
    const config = await fixtureWorkspace((y) =>
      y
        .replace(/^variantArg: .*\n/m, '')
        .replace(
          /^variants:[\s\S]*$/m,
          `variants:\n  hostile:\n    platforms: [linux/amd64]\n    args:\n      QUEUE_BACKEND: ${JSON.stringify(hostile)}\n`,
        ),
    );
    const plan = buildPlan(config, { engine: 'docker' });
    built.push(...plan.jobs.flatMap((j) => j.tags));
    const summary = await runner().run(plan, { config });
    assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
    assert.equal(
      (await tool([docker, 'run', '--rm', plan.jobs[0]!.tags[0]!, 'cat', '/build-backend'])).stdout,
      hostile,
    );
  });

  it('a failing RUN is reported at its Dockerfile line', async () => {
    const config = await fixtureWorkspace();
    const dockerfile = join(config.root, 'Dockerfile');
    await writeFile(
      dockerfile,
      'FROM scratch\nARG TARGETARCH\nCOPY rootfs-${TARGETARCH}/ /\nRUN echo failing && exit 4\n',
    );
    const plan = buildPlan(config, { engine: 'docker', variants: ['minimal'], platforms: ['linux/amd64'] });
    built.push(...plan.jobs.flatMap((j) => j.tags));
    const summary = await runner().run(plan, { config });
    assert.equal(summary.ok, false);
    const problem = summary.outcomes[0]!.problem!;
    assert.equal(problem.file, dockerfile);
    assert.equal(problem.line, 4);
    assert.equal(problem.exitCode, 4);
  });

  it('built again: cells nothing changed for are not built; a moved tag builds its cell, a base pushed again builds every cell', async () => {
    const base = await pushColdBase();
    const config = await projectWorkspace('shared-base', base);
    const plan = buildPlan(config, { engine: 'docker' });
    built.push(...plan.jobs.flatMap((j) => j.tags));
    const buildAll = async () => {
      const builds: string[] = [];
      let said = '';
      const summary = await runner().run(plan, {
        config,
        onCommand: (job, argv) => argv[1] === 'build' && builds.push(job.id),
        onOutput: (_job, text) => (said += text),
      });
      assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
      return { builds: builds.sort(), said, summary };
    };
    const ids = async () =>
      Promise.all(
        plan.jobs.map(
          async (j) => (await tool([docker, 'image', 'inspect', '--format', '{{.Id}}', j.tags[0]!])).stdout,
        ),
      );
    const all = plan.jobs.map((j) => j.id).sort();
    const first = await buildAll();
    assert.deepEqual(first.builds, all);
    const images = await ids();

    // Nothing changed: the registry still names the same base (asked with HEAD), and each tag the same image.
    const second = await buildAll();
    assert.deepEqual(second.builds, []);
    assert.equal(second.said.match(/up to date/g)?.length, plan.jobs.length, second.said);
    assert.deepEqual(await ids(), images);
    assert.deepEqual(second.summary.records, []);
    assert.equal(second.summary.upToDate.length, plan.jobs.length);

    // The user tagged another image under one cell's tag: that cell builds, and only it.
    const [moved, other] = plan.jobs;
    assert.equal((await tool([docker, 'tag', other!.tags[0]!, moved!.tags[0]!])).ok, true);
    const third = await buildAll();
    assert.deepEqual(third.builds, [moved!.id]);
    assert.deepEqual(await ids(), images, 'the rebuilt cell is the same image again (all cached)');

    // The base pushed again under the same name, with other content: BuildKit would start from it, so every cell
    // builds. The old manifests go first, so the registry keeps nothing of this test.
    const next = await pushColdBase();
    await removeFromRegistry(base);
    const copied = await tool(
      [
        'skopeo',
        'copy',
        '--all',
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        `docker://${next}`,
        `docker://${base}`,
      ],
      120_000,
    );
    assert.equal(copied.ok, true, copied.stderr);
    const fourth = await buildAll();
    assert.deepEqual(fourth.builds, all);
    const rebuilt = await ids();
    assert.ok(
      rebuilt.every((id, i) => id !== images[i]),
      'each cell now starts from the new base',
    );
    // The first build's images lost their tags to the new ones.
    assert.equal((await tool([docker, 'rmi', ...new Set(images.map((id) => id.trim()))])).ok, true);
  });

  it('cancelling a build in a long RUN step leaves no process behind', async () => {
    const { statuses, marker, tags } = await cancelDuringLongRun('docker', runner());
    built.push(...tags);
    assert.deepEqual(statuses, ['cancelled']);
    // The step runs under dockerd, not under the CLI: BuildKit cancels it when the CLI's session goes away.
    await eventually(() => processesWithArgv(['sleep', marker]).length === 0, 20_000, 'BuildKit to stop the RUN step');
  });
});
