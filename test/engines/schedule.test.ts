import { strict as assert } from 'node:assert';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildRunner } from '../../src/core/build/runner';
import { programsFromEnv } from '../../src/core/engines/detect';
import { hostPlatform } from '../../src/core/engines/emulation';
import { parseManifestList, platformRefs } from '../../src/core/engines/podmanOutput';
import { readStoreFiles } from '../../src/core/engines/podmanStore';
import { stagingRef } from '../../src/core/engines/staging';
import { buildPlan } from '../../src/core/matrix/plan';
import { WAITING_FOR_WARMUP } from '../../src/core/schedule/runSchedule';
import { storeLocation } from '../../scripts/podmanStore.mjs';
import { privateStore } from './privateStore';
import {
  env,
  projectWorkspace,
  pushColdBase,
  registry,
  removeBuiltImages,
  removeColdBases,
  runTag,
  tool,
  unameFor,
} from './helpers';

const runner = () => new BuildRunner({ programs: programsFromEnv(env), env, concurrency: 3 });
const platforms = ['linux/amd64', 'linux/arm64'];
const emulatedPlatform = hostPlatform() === 'linux/arm64' ? 'linux/amd64' : 'linux/arm64';

describe('podman Build All: each base pulled once, shared stages built once', function () {
  this.timeout(1_800_000);
  const built: string[] = [];
  const pushed: string[] = [];
  after(async () => {
    // A pushed variant is also a local list under its registry name.
    await removeBuiltImages('podman', 'podman', [...built, ...pushed]);
    await removeColdBases();
  });

  it('five cold Build Alls of shared-base in a row all succeed (no concurrent pulls of one image)', async () => {
    for (let run = 1; run <= 5; run++) {
      const base = await pushColdBase();
      const config = await projectWorkspace('shared-base', base);
      const plan = buildPlan(config, { engine: 'podman', canLoadManifestList: true });
      built.push(...plan.jobs.flatMap((j) => j.tags));
      assert.deepEqual(
        plan.pulls?.map((p) => [p.image, p.platform]),
        platforms.map((p) => [base, p]),
      );
      const summary = await runner().run(plan, { config });
      assert.equal(summary.ok, true, `cold run ${run}: ${JSON.stringify(summary.outcomes.map((o) => o.problem))}`);
      if (run > 1) continue;
      // The base became a local list of exactly the platforms built, each pulled (by digest) into the store.
      const baseList = parseManifestList((await tool(['podman', 'manifest', 'inspect', base])).stdout);
      assert.deepEqual(baseList.map((e) => e.platform).sort(), platforms);
      for (const ref of Object.values(platformRefs(base, baseList)))
        assert.equal((await tool(['podman', 'image', 'exists', ref])).exitCode, 0, ref);
      for (const job of plan.jobs) {
        const name = job.tags[0]!;
        const refs = platformRefs(
          name,
          parseManifestList((await tool(['podman', 'manifest', 'inspect', name])).stdout),
        );
        for (const platform of platforms) {
          const out = await tool(['podman', 'run', '--rm', refs[platform]!, 'cat', '/build-arch', '/build-backend']);
          assert.equal(out.stdout, `${unameFor[platform]}\n${job.variant}`, `${name} on ${platform}`);
        }
      }
    }
  });

  it('heavy-shared: deps and compile are built once per platform before the variants, which reuse them', async () => {
    const config = await projectWorkspace('heavy-shared', await pushColdBase());
    const plan = buildPlan(config, { engine: 'podman', canLoadManifestList: true });
    built.push(...plan.jobs.flatMap((j) => j.tags));
    assert.deepEqual(
      plan.warmup?.map((w) => [w.stage, w.platforms]),
      platforms.map((p) => ['compile', [p]]),
    );
    assert.ok(
      plan.jobs.every((j) => j.parts?.length === 2),
      'one build per platform',
    );
    // Each build command with the platform it builds, in the order they started.
    const order: string[] = [];
    const waiting = new Set<string>();
    const summary = await runner().run(plan, {
      config,
      onCommand: (job, argv) =>
        argv.includes('build') && order.push(`${job.id} ${argv[argv.indexOf('--platform') + 1]}`),
      onWaiting: (cells, reason) =>
        reason === WAITING_FOR_WARMUP && cells.forEach((c) => waiting.add(`${c.variant}@${c.platform}`)),
    });
    assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
    assert.equal(order.length, 8, order.join('; '));
    for (const platform of platforms) {
      const warm = order.indexOf(`warmup:compile@${platform} ${platform}`);
      const builds = ['minimal', 'redis', 'sqs'].map((v) => order.indexOf(`${v} ${platform}`));
      assert.ok(warm >= 0 && builds.every((i) => i > warm), order.join('; '));
    }
    assert.equal(waiting.size, 6);
    // deps stamps a random build id: one value per platform across all variants means it ran once.
    for (const platform of platforms) {
      const stamps = new Set<string>();
      for (const job of plan.jobs) {
        const ref = platformRefs(
          job.tags[0]!,
          parseManifestList((await tool(['podman', 'manifest', 'inspect', job.tags[0]!])).stdout),
        )[platform]!;
        stamps.add((await tool(['podman', 'run', '--rm', ref, 'cat', '/deps.txt'])).stdout.trim());
      }
      assert.equal(stamps.size, 1, `${platform}: ${[...stamps].join(' | ')}`);
      assert.match([...stamps][0]!, new RegExp(`on ${unameFor[platform]},`));
    }
    // The user's next step: push or export the list. Its instances were built under part names that are
    // untagged now; a list that refers to them by those names could not be read any more.
    const dir = await mkdtemp(join(tmpdir(), 'heavy-shared-export-'));
    for (const job of plan.jobs) {
      const out = await tool([
        'podman',
        'manifest',
        'push',
        '--all',
        job.tags[0]!,
        `oci-archive:${join(dir, `${job.variant}.tar`)}`,
      ]);
      assert.equal(out.exitCode, 0, `${job.tags[0]}: ${out.stderr}`);
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('heavy-shared built again: a rebuild of unchanged jobs is one build each, and the warm-ups run again once a file they copy does', async () => {
    const config = await projectWorkspace('heavy-shared', await pushColdBase());
    const plan = buildPlan(config, { engine: 'podman', canLoadManifestList: true });
    built.push(...plan.jobs.flatMap((j) => j.tags));
    /** One Build All: its build commands (job and platform) and what the warm-ups said. */
    const buildAll = async (rebuild = false) => {
      const builds: string[] = [];
      const tagged: string[] = [];
      const stayed: string[] = [];
      let said = '';
      const summary = await runner().run(plan, {
        config,
        rebuild,
        onCommand: (job, argv) => {
          if (argv.includes('build')) builds.push(`${job.id} ${argv[argv.indexOf('--platform') + 1]}`);
          if (argv[1] === 'tag') tagged.push(job.id);
        },
        onOutput: (job, text) => {
          if (job.id.startsWith('warmup:')) said += text;
          else if (text.includes('the tag stays on its list')) stayed.push(job.id);
        },
      });
      assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
      return { builds, tagged, stayed, said, summary };
    };
    /**
     * The store as its files hold it: `podman images` fails for the whole store while any list in it cannot be
     * read, whoever made that list (podmanStore.ts).
     */
    const store = async () => {
      const { graphRoot, driver } = await storeLocation(env.CONTAINERS_STORAGE_CONF!);
      return readStoreFiles(graphRoot, driver);
    };
    const named = (names: string[], ref: string) => names.some((n) => n === ref || n.endsWith(`/${ref}`));
    /** The id of the list each variant's tag names. */
    const lists = async () => {
      const { images } = await store();
      return new Map(plan.jobs.map((j) => [j.id, images.find((i) => named(i.names, j.tags[0]!))?.id]));
    };
    /** Which of `refs` (list names or ids) the store still holds. */
    const held = async (refs: string[]) => {
      const { images } = await store();
      return refs.filter((r) => images.some((i) => i.id === r || named(i.names, r)));
    };
    const warmups = (builds: string[]) => builds.filter((b) => b.startsWith('warmup:')).sort();
    const first = await buildAll();
    assert.deepEqual(
      warmups(first.builds),
      platforms.map((p) => `warmup:compile@${p} ${p}`),
    );

    // Built again on purpose (--rebuild): the variants build, nothing changed for them, so each in one process for
    // both platforms, with no warm-up or pull in front.
    // A build that made the images its tag names again leaves the tag on its list; the first rebuild after a cold
    // run may build a variant's last steps again (its cold parts ran side by side and each made the shared runtime
    // steps, so the cache has more than one chain), and then the tag moves. Either way no list is left over.
    let second: Awaited<ReturnType<typeof buildAll>> | undefined;
    for (let round = 1; round <= 3 && second?.stayed.length !== plan.jobs.length; round++) {
      const before = await lists();
      second = await buildAll(true);
      const after = await lists();
      for (const job of plan.jobs) {
        const stays = second.stayed.includes(job.id);
        assert.ok(before.get(job.id) && after.get(job.id), `round ${round}: ${job.tags[0]} names a list`);
        assert.equal(after.get(job.id) === before.get(job.id), stays, `round ${round}, ${job.id}`);
        assert.equal(second.tagged.includes(job.id), !stays, `round ${round}, ${job.id}`);
      }
      // No list is left over: the temporary ones went, and so did every list a tag moved off.
      const temporary = plan.jobs.map((j) => stagingRef(j.tags[0]!, j.platforms));
      const movedOff = plan.jobs.flatMap((j) => (second!.stayed.includes(j.id) ? [] : [before.get(j.id) ?? '']));
      assert.deepEqual(await held([...temporary, ...movedOff]), [], `round ${round}`);
    }
    assert.equal(second!.stayed.length, plan.jobs.length, 'rebuilt from the cache, every tag stays where it is');
    assert.deepEqual(
      second!.builds.sort(),
      plan.jobs.map((j) => `${j.id} ${platforms.join(',')}`).sort(),
      second!.builds.join('; '),
    );
    assert.equal(second!.said, '');
    assert.equal(second!.summary.records.length, plan.jobs.length * platforms.length);
    // Every variant build found the shared stages in podman's cache all the same.
    for (const r of second!.summary.records) {
      const shared = (r.timing?.steps ?? []).filter((s) => s.stage === 'deps' || s.stage === 'compile');
      assert.ok(shared.length >= 3, `${r.variant} ${r.platform}: ${JSON.stringify(r.timing?.steps)}`);
      assert.deepEqual(
        shared.filter((s) => !s.cached && !s.instruction.startsWith('FROM')),
        [],
        `${r.variant} ${r.platform}`,
      );
    }

    // Nothing changed since: no build at all, every cell keeps the second run's records.
    const third = await buildAll();
    assert.deepEqual(third.builds, []);
    assert.deepEqual(third.summary.records, []);
    assert.deepEqual(
      third.summary.upToDate.map((r) => `${r.variant}@${r.platform} ${r.startedAt}`).sort(),
      second!.summary.records.map((r) => `${r.variant}@${r.platform} ${r.startedAt}`).sort(),
    );

    // compile copies src/: a newer file there means the shared stages are checked by a warm-up again.
    const later = new Date(Date.now() + 60_000);
    await utimes(join(config.root, 'src', 'worker.sh'), later, later);
    const fourth = await buildAll();
    assert.deepEqual(
      warmups(fourth.builds),
      platforms.map((p) => `warmup:compile@${p} ${p}`),
    );
    assert.equal(fourth.summary.records.length, plan.jobs.length * platforms.length);
  });

  it('shared-base built again: jobs nothing changed for are not built; a job whose tag moved or whose image is gone builds, and only that one', async () => {
    // A store of its own: the test removes an image one of its lists holds.
    const store = await privateStore();
    try {
      const base = await pushColdBase();
      const config = await projectWorkspace('shared-base', base);
      const plan = buildPlan(config, { engine: 'podman', canLoadManifestList: true });
      const buildAll = async () => {
        const builds: string[] = [];
        let said = '';
        const summary = await new BuildRunner({ programs: programsFromEnv(store.env), env: store.env }).run(plan, {
          config,
          onCommand: (job, argv) => argv[1] === 'build' && builds.push(job.id),
          onOutput: (_job, text) => (said += text),
        });
        assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
        return { builds: builds.sort(), said, summary };
      };
      const listOf = async (tag: string) => (await store.podman(['manifest', 'inspect', tag])).stdout;
      const first = await buildAll();
      assert.deepEqual(first.builds, plan.jobs.map((j) => j.id).sort());
      const lists = await Promise.all(plan.jobs.map((j) => listOf(j.tags[0]!)));

      const second = await buildAll();
      assert.deepEqual(second.builds, []);
      assert.equal(second.said.match(/up to date/g)?.length, plan.jobs.length, second.said);
      assert.deepEqual(await Promise.all(plan.jobs.map((j) => listOf(j.tags[0]!))), lists, 'the same lists');
      assert.deepEqual(second.summary.records, []);
      assert.deepEqual(
        second.summary.upToDate.map((r) => `${r.variant}@${r.platform} ${r.startedAt}`).sort(),
        first.summary.records.map((r) => `${r.variant}@${r.platform} ${r.startedAt}`).sort(),
      );

      // The user moved one tag away, and removed an image another list holds.
      const [moved, broken, kept] = plan.jobs;
      assert.equal((await store.podman(['tag', base, moved!.tags[0]!])).exitCode, 0);
      const arm64 = parseManifestList(await listOf(broken!.tags[0]!)).find((e) => e.platform === 'linux/arm64')!;
      const ref = platformRefs(broken!.tags[0]!, [arm64])['linux/arm64']!;
      const armId = (await store.podman(['image', 'inspect', '--format', '{{.Id}}', ref])).stdout.trim();
      assert.equal((await store.podman(['rmi', '-f', armId])).exitCode, 0);
      const third = await buildAll();
      assert.deepEqual(third.builds, [moved!.id, broken!.id].sort());
      assert.equal(await listOf(kept!.tags[0]!), lists[2], 'the third list untouched');
      for (const job of [moved!, broken!]) {
        const entries = parseManifestList(await listOf(job.tags[0]!));
        assert.deepEqual(entries.map((e) => e.platform).sort(), platforms, job.tags[0]);
      }
    } finally {
      await store.dispose();
    }
  });

  it('heavy-shared with push output: each variant built per platform becomes one index in the registry', async () => {
    const config = await projectWorkspace('heavy-shared', await pushColdBase(), (y) => `${y}registry: ${registry}\n`);
    const plan = buildPlan(config, { engine: 'podman', output: 'push' });
    pushed.push(...plan.jobs.flatMap((j) => j.tags));
    assert.ok(
      plan.jobs.every((j) => j.parts?.length === 2),
      'one build per platform',
    );
    const summary = await runner().run(plan, { config });
    assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
    for (const job of plan.jobs) {
      const index = (await tool(['skopeo', 'inspect', '--raw', '--tls-verify=false', `docker://${job.tags[0]!}`]))
        .stdout;
      assert.deepEqual(
        parseManifestList(index)
          .map((e) => e.platform)
          .sort(),
        platforms,
        job.tags[0],
      );
    }
  });

  it('a local list of the base with amd64 only (a load output) still gets arm64 pulled before the builds; the name stays on the list', async () => {
    // A store of its own: the test lists images, which podman 4.3 cannot do in a store some other run left a half-committed image in.
    const store = await privateStore();
    try {
      const base = await pushColdBase();
      const pulled = await store.podman(['pull', '-q', '--tls-verify=false', '--platform', 'linux/amd64', base]);
      const amd64 = pulled.stdout.trim().split('\n').pop()!;
      assert.ok((await store.podman(['untag', amd64, base])).ok);
      assert.ok((await store.podman(['manifest', 'create', base, `containers-storage:${amd64}`])).ok);
      const listId = async () =>
        (await store.podman(['images', '--no-trunc', '--format', '{{.ID}}', base])).stdout.trim();
      const before = await listId();
      const config = await projectWorkspace('shared-base', base);
      const plan = buildPlan(config, { engine: 'podman', canLoadManifestList: true, variants: ['minimal'] });
      const pulls: string[] = [];
      const summary = await new BuildRunner({ programs: programsFromEnv(store.env), env: store.env }).run(plan, {
        config,
        onCommand: (_job, argv) => argv[1] === 'pull' && pulls.push(argv[argv.indexOf('--platform') + 1]!),
      });
      assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
      assert.deepEqual(pulls, ['linux/arm64']);
      assert.equal(await listId(), before, 'the name is still on the same list');
      const arches = parseManifestList((await store.podman(['manifest', 'inspect', base])).stdout).map(
        (e) => e.platform,
      );
      assert.deepEqual(arches.sort(), platforms);
      const tag = plan.jobs[0]!.tags[0]!;
      const refs = platformRefs(tag, parseManifestList((await store.podman(['manifest', 'inspect', tag])).stdout));
      assert.equal(
        (await store.podman(['run', '--rm', refs['linux/arm64']!, 'cat', '/build-arch'])).stdout.trim(),
        'aarch64',
      );
    } finally {
      await store.dispose();
    }
  });

  it('a local list made from the registry index whose arm64 instance is not in the store yet (another run still pulling it) gets that instance pulled by digest before the builds; the name stays on the list', async () => {
    // A store of its own, as above: the test lists the base's images.
    const store = await privateStore();
    try {
      const base = await pushColdBase();
      for (const argv of [
        ['manifest', 'create', base],
        ['manifest', 'add', '--all', '--tls-verify=false', base, `docker://${base}`],
      ])
        assert.ok((await store.podman(argv)).ok, argv.join(' '));
      const refs = platformRefs(base, parseManifestList((await store.podman(['manifest', 'inspect', base])).stdout));
      // The other run got as far as amd64.
      const amd64 = ['pull', '-q', '--tls-verify=false', '--platform', 'linux/amd64', refs['linux/amd64']!];
      assert.ok((await store.podman(amd64)).ok);
      assert.notEqual((await store.podman(['image', 'exists', refs['linux/arm64']!])).exitCode, 0);
      const listId = async () =>
        (await store.podman(['images', '--no-trunc', '--format', '{{.ID}}', base])).stdout.trim();
      const before = await listId();
      const config = await projectWorkspace('shared-base', base);
      const plan = buildPlan(config, { engine: 'podman', canLoadManifestList: true, variants: ['minimal'] });
      const steps: string[] = [];
      const summary = await new BuildRunner({ programs: programsFromEnv(store.env), env: store.env }).run(plan, {
        config,
        onCommand: (_job, argv) => {
          if (argv[1] === 'pull') steps.push(`pull ${argv[argv.length - 1]}`);
          else if (argv[1] === 'build') steps.push('build');
        },
      });
      assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
      assert.deepEqual(
        steps.filter((s) => s.startsWith('pull')),
        [`pull ${refs['linux/arm64']}`],
      );
      assert.equal(steps[0], `pull ${refs['linux/arm64']}`, 'pulled before any build');
      assert.equal((await store.podman(['image', 'exists', refs['linux/arm64']!])).exitCode, 0);
      assert.equal(await listId(), before, 'the name is still on the same list');
      const tag = plan.jobs[0]!.tags[0]!;
      const built = platformRefs(tag, parseManifestList((await store.podman(['manifest', 'inspect', tag])).stdout));
      assert.equal(
        (await store.podman(['run', '--rm', built['linux/arm64']!, 'cat', '/build-arch'])).stdout.trim(),
        'aarch64',
      );
    } finally {
      await store.dispose();
    }
  });

  it('a base that cannot be pulled stops the run before any build, with image, platform and podman message', async () => {
    const missing = `${registry}/cold/missing-${runTag}/busybox:1`;
    const config = await projectWorkspace('shared-base', missing);
    const plan = buildPlan(config, { engine: 'podman', canLoadManifestList: true });
    const builds: string[] = [];
    const summary = await runner().run(plan, {
      config,
      onCommand: (job, argv) => argv.includes('build') && builds.push(job.id),
    });
    assert.equal(summary.ok, false);
    assert.deepEqual(builds, []);
    const problem = summary.outcomes.find((o) => o.problem)!.problem!.message;
    assert.match(
      problem,
      new RegExp(
        // The emulated platform is pulled first (its warm-up is the run's longest step).
        `^pulling ${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} for ${emulatedPlatform} failed: .*(manifest unknown|not found)`,
        's',
      ),
    );
    // One podman job builds both platforms of a variant, so each job's cells fail together.
    assert.deepEqual(
      summary.records.map((r) => r.status),
      Array(6).fill('failed'),
    );
  });
});
