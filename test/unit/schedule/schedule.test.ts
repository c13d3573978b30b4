import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveConfig } from '../../../src/core/config/resolve';
import type { RawConfig, ResolvedConfig } from '../../../src/core/config/types';
import { planToJson, planToText } from '../../../src/core/matrix/formatPlan';
import { buildPlan } from '../../../src/core/matrix/plan';
import { joinParts, partIidFile, partImageFile, partImageSource } from '../../../src/core/schedule/podmanParts';
import { cutAfter, scheduleJobs, varyingArgs } from '../../../src/core/schedule/schedule';
import { closure, dependentStages, sharedSteps, stageGraph } from '../../../src/core/schedule/stageGraph';

const projects = resolve(__dirname, '../../fixtures/projects');
const heavy = readFileSync(join(projects, 'heavy-shared', 'Dockerfile'), 'utf8');
const sharedBase = readFileSync(join(projects, 'shared-base', 'Dockerfile'), 'utf8');
const python = readFileSync(join(projects, 'python-service', 'Dockerfile'), 'utf8');
const base = '127.0.0.1:5000/multiarch/busybox:1';

/** A config rooted at /app whose Dockerfile text is `text` (read through the schedule's `read` hook). */
function setup(text: string, raw: RawConfig): { config: ResolvedConfig; read: (p: string) => string | undefined } {
  const config = resolveConfig(
    { image: 'app', tag: 'dev', platforms: ['linux/amd64', 'linux/arm64'], ...raw },
    { root: '/app', file: '/app/multiarch.yaml' },
  );
  return { config, read: (p) => (p.endsWith('Dockerfile') ? text : undefined) };
}

const threeVariants: RawConfig = { variantArg: 'QUEUE_BACKEND', variants: { minimal: null, redis: null, sqs: null } };

describe('stage graph', () => {
  it('expands FROM with the variant args over the global defaults; stage names and scratch are not images', () => {
    const text =
      'ARG BASE=alpine:3\nARG TAG\nFROM ${BASE} AS a\nFROM a AS b\nFROM scratch AS c\nFROM reg/x:${TAG:-latest}\nCOPY --from=b /x /x\nCOPY --from=busybox:1 /bin/sh /sh\n';
    const g = stageGraph(text, { args: { TAG: '2' }, platform: 'linux/arm64', host: 'linux/amd64' });
    assert.deepEqual(
      g.map((s) => s.image),
      ['alpine:3', undefined, undefined, 'reg/x:2'],
    );
    assert.deepEqual(g[1]!.deps, [0]);
    assert.deepEqual(g[3]!.deps, [1]);
    assert.deepEqual(g[3]!.images, ['busybox:1']);
    assert.deepEqual(closure(g, 3), [0, 1, 3]);
    assert.deepEqual(
      stageGraph(text, { args: { BASE: 'debian:12' }, platform: 'linux/arm64', host: 'linux/amd64' })[0]!.image,
      'debian:12',
    );
  });

  it('a FROM --platform=$BUILDPLATFORM stage runs on the build platform', () => {
    const g = stageGraph('FROM --platform=$BUILDPLATFORM golang:1 AS build\nFROM alpine\nCOPY --from=build /a /a\n', {
      args: {},
      platform: 'linux/arm64',
      host: 'linux/amd64',
    });
    assert.deepEqual(
      g.map((s) => [s.image, s.platform]),
      [
        ['golang:1', 'linux/amd64'],
        ['alpine', 'linux/arm64'],
      ],
    );
  });

  it('records the args a stage reads: declared in it or used in its FROM line', () => {
    const g = stageGraph(heavy, { args: {}, platform: 'linux/amd64', host: 'linux/amd64' });
    assert.deepEqual(
      g.map((s) => [s.name, [...s.reads].sort()]),
      [
        ['deps', ['BASE_IMAGE', 'DEPS_ROUNDS']],
        ['compile', []],
        ['runtime', ['BASE_IMAGE', 'QUEUE_BACKEND']],
      ],
    );
    assert.deepEqual(g[2]!.deps, [0, 1]);
  });

  it('shared steps: those before a varying arg is declared, a varying stage is used, or a varying source is named', () => {
    const text = [
      'ARG BASE=alpine',
      'FROM ${BASE} AS tools',
      'ARG FLAVOUR',
      'RUN make tools',
      'FROM alpine AS app',
      'RUN make venv',
      'COPY --from=busybox:1 /bin/sh /sh',
      'RUN make \\',
      '  common',
      'ARG QUEUE_BACKEND',
      'RUN make $QUEUE_BACKEND',
      'FROM alpine AS late',
      'RUN make a',
      'COPY --from=tools /t /t',
      'RUN make b',
      'FROM tools AS child',
      'RUN make c',
      'FROM alpine AS named',
      'RUN make d',
      'ARG SRC',
      'COPY --from=${SRC} /s /s',
      '',
    ].join('\n');
    const g = stageGraph(text, { args: {}, platform: 'linux/amd64', host: 'linux/amd64' });
    const steps = (varying: string[]) => {
      const v = new Set(varying);
      const dependent = dependentStages(g, v);
      return g.map((s) => sharedSteps(s, v, dependent));
    };
    // The variant arg alone: app shares its first three steps, the others all of theirs.
    assert.deepEqual(steps(['QUEUE_BACKEND']), [2, 3, 3, 1, 3]);
    // A varying FLAVOUR makes tools vary from its ARG on: late shares one step, child (FROM tools) none.
    assert.deepEqual(steps(['QUEUE_BACKEND', 'FLAVOUR']), [0, 3, 1, 0, 3]);
    // A varying FROM shares nothing; a varying --from source stops at the ARG it needs.
    assert.deepEqual(steps(['BASE', 'SRC']), [0, 5, 1, 0, 1]);
    // The cut ends after the instruction's last line (continuations included), byte for byte.
    assert.equal(g[1]!.steps[2]!.endLine, 8);
    assert.equal(cutAfter(text, 8), text.slice(0, text.indexOf('ARG QUEUE_BACKEND')));
    assert.equal(cutAfter('FROM a\nRUN b', 1), 'FROM a\nRUN b');
  });
});

describe('schedule: pulls and shared-stage warm-ups', () => {
  it('heavy-shared on podman: the base once per platform, then deps+compile once per platform, side by side', () => {
    const { config, read } = setup(heavy, { ...threeVariants, target: 'runtime' });
    const plan = buildPlan(config, { engine: 'podman' });
    const s = scheduleJobs(config, plan.jobs, { engine: 'podman', read, host: 'linux/amd64' });
    assert.deepEqual(
      s.pulls.map((p) => [p.image, p.platform, p.cells.length]),
      [
        [base, 'linux/amd64', 3],
        [base, 'linux/arm64', 3],
      ],
    );
    assert.deepEqual(
      s.warmup.map((w) => [w.stage, w.platforms, w.cells.map((c) => c.platform)]),
      [
        ['compile', ['linux/amd64'], Array(3).fill('linux/amd64')],
        ['compile', ['linux/arm64'], Array(3).fill('linux/arm64')],
      ],
    );
    const w = s.warmup[1]!;
    assert.match(w.marker!, /^warmup-[0-9a-f]{12}$/);
    assert.notEqual(w.marker, s.warmup[0]!.marker);
    assert.deepEqual(w.argv, [
      'podman',
      'build',
      '--platform',
      'linux/arm64',
      '--target',
      'compile',
      '-f',
      '/app/Dockerfile',
      '--build-arg',
      'QUEUE_BACKEND=minimal',
      '--build-arg',
      `MULTIARCH_BUILD=${w.marker}`,
      '--build-arg',
      'MULTIARCH_BUILD_OWNER',
      '/app',
    ]);
    assert.ok(
      !w.argv.includes('-t') && !w.argv.includes('--manifest') && !w.argv.includes('--tag'),
      'a warm-up tags nothing',
    );
  });

  it('podman jobs that wait for a warm-up become one build per platform, joined into the temporary list before the tags move', () => {
    const { config, read } = setup(heavy, { ...threeVariants, target: 'runtime' });
    const jobs = buildPlan(config, { engine: 'podman' }).jobs;
    const job = jobs[0]!;
    const temp = job.argv[job.argv.indexOf('--manifest') + 1]!;
    const split = scheduleJobs(config, jobs, { engine: 'podman', read, host: 'linux/amd64' }).jobs[0]!;
    const iid = (p: string) => `/app/.multiarch/parts/${temp.split(':')[1]}-linux-${p}.iid`;
    assert.deepEqual(
      split.parts!.map((p) => [p.platform, p.iidfile]),
      [
        ['linux/amd64', iid('amd64')],
        ['linux/arm64', iid('arm64')],
      ],
    );
    assert.equal(partIidFile('/app', temp, 'linux/arm64'), iid('arm64'));
    // No tag per part: each writes its image id, and the list is made from the ids (a list of names cannot be pushed once they go).
    const arm = split.parts![1]!.argv;
    assert.deepEqual(
      arm,
      job.argv.map((a) =>
        a === 'linux/amd64,linux/arm64'
          ? 'linux/arm64'
          : a === '--manifest'
            ? '--iidfile'
            : a === temp
              ? iid('arm64')
              : a,
      ),
    );
    assert.deepEqual(split.after, [
      ['podman', 'manifest', 'create', temp, partImageSource(iid('amd64')), partImageSource(iid('arm64'))],
      ...job.after!,
    ]);
    assert.equal(partImageFile(partImageSource(iid('amd64'))), iid('amd64'));
    assert.equal(partImageFile(`containers-storage:${temp}`), undefined);
    // A failure or cancel removes only the temporary list name: a part identical to the user's current instance keeps its image.
    assert.deepEqual(split.staging, job.staging);
    assert.deepEqual(split.before, job.before);
    // Not split: a Dockerfile the schedule cannot read (no pulls first), one platform, or dockerd.
    assert.equal(scheduleJobs(config, jobs, { engine: 'podman', read: () => undefined }).jobs[0]!.parts, undefined);
    const one = buildPlan(config, { engine: 'podman', platforms: ['linux/arm64'], schedule: false }).jobs[0]!;
    assert.equal(scheduleJobs(config, [one], { engine: 'podman', read }).jobs[0]!.parts, undefined);
    // No shared stage to wait for (shared-base): one build per variant, which has fewer builds' fixed cost.
    const flat = setup(sharedBase, threeVariants);
    const flatJobs = scheduleJobs(flat.config, buildPlan(flat.config, { engine: 'podman', schedule: false }).jobs, {
      engine: 'podman',
      read: flat.read,
    }).jobs;
    assert.ok(flatJobs.every((j) => j.parts === undefined));
  });

  it('a split job joined again (a rebuild of an unchanged job) is the one build it was before the split', () => {
    const { config, read } = setup(heavy, { ...threeVariants, target: 'runtime' });
    const jobs = buildPlan(config, { engine: 'podman' }).jobs;
    const split = scheduleJobs(config, jobs, { engine: 'podman', read, host: 'linux/amd64' }).jobs;
    assert.ok(split.every((j) => j.parts?.length === 2));
    split.forEach((j, i) => assert.deepEqual(joinParts(j), jobs[i]));
    // A job that is not split comes back as it is, and so does one whose first step is not the list made from the parts.
    assert.equal(joinParts(jobs[0]!), jobs[0]);
    const odd = { ...split[0]!, after: split[0]!.after!.slice(1) };
    assert.equal(joinParts(odd), odd);
  });

  it('python-service on podman: the builder stage steps before the variant ARG, once per platform, from a cut copy', () => {
    const { config, read } = setup(python, {
      target: 'runtime',
      variantArg: 'QUEUE_BACKEND',
      variants: { minimal: null, redis: null, sqs: null, kafka: { platforms: ['linux/amd64'] } },
    });
    const plan = buildPlan(config, { engine: 'podman' });
    const s = scheduleJobs(config, plan.jobs, { engine: 'podman', read, host: 'linux/amd64' });
    assert.deepEqual(
      s.warmup.map((w) => [w.stage, w.steps, w.platforms, w.cells.map((c) => c.variant)]),
      [
        ['builder', 6, ['linux/amd64'], ['minimal', 'redis', 'sqs', 'kafka']],
        ['builder', 6, ['linux/arm64'], ['minimal', 'redis', 'sqs']],
      ],
    );
    const w = s.warmup[1]!;
    const [file, text] = Object.entries(w.files!)[0]!;
    assert.match(file, /^\/app\/\.multiarch\/warmup\/[0-9a-f]{12}\.Dockerfile$/);
    assert.notEqual(file, Object.keys(s.warmup[0]!.files!)[0], 'each warm-up writes and removes its own file');
    // The original text up to the common install, byte for byte: the same cache keys as the full builds.
    assert.ok(python.startsWith(text));
    assert.ok(text.endsWith('RUN pip install --no-index --find-links /vendor -r /requirements/common.txt\n'));
    assert.deepEqual(w.argv, [
      'podman',
      'build',
      '--platform',
      'linux/arm64',
      '-f',
      file,
      '--build-arg',
      'QUEUE_BACKEND=minimal',
      '--build-arg',
      `MULTIARCH_BUILD=${w.marker}`,
      '--build-arg',
      'MULTIARCH_BUILD_OWNER',
      '/app',
    ]);
    // Every two-platform job waits for a warm-up, so it is split per platform; kafka has one platform.
    assert.deepEqual(
      s.jobs.map((j) => j.parts?.length ?? 0),
      [2, 2, 2, 0],
    );
    const shown = planToText({ engine: 'podman', ...s }, 'test');
    assert.ok(shown.includes(`# builder: its first 6 steps`));
    assert.ok(
      shown.includes(`cat > ${file} <<'EOF'\n${text.trimEnd()}\nEOF\npodman build --platform linux/arm64 -f ${file}`),
    );
    assert.ok(shown.includes(`rm -f ${file}`));
    const json = planToJson({ engine: 'podman', ...s }, 'test') as {
      warmup: Array<{ steps?: number; files?: unknown }>;
    };
    assert.deepEqual(json.warmup[0]!.steps, 6);
    assert.deepEqual(Object.values(json.warmup[0]!.files as Record<string, string>), [text]);
  });

  it('a varying stage whose shared steps only set ENV, using no shared stage with work, gets no warm-up', () => {
    const text = 'FROM alpine AS app\nENV A=1\nARG QUEUE_BACKEND\nRUN make\n';
    const { config, read } = setup(text, threeVariants);
    const s = scheduleJobs(config, buildPlan(config, { engine: 'podman' }).jobs, { engine: 'podman', read });
    assert.deepEqual(s.warmup, []);
  });

  it('a cut stage that starts from a shared stage builds it too: no separate warm-up for that stage', () => {
    const text = 'FROM alpine AS deps\nRUN make deps\nFROM deps AS app\nRUN make venv\nARG QUEUE_BACKEND\nRUN make\n';
    const { config, read } = setup(text, threeVariants);
    const s = scheduleJobs(config, buildPlan(config, { engine: 'podman' }).jobs, {
      engine: 'podman',
      read,
      host: 'linux/amd64',
    });
    assert.deepEqual(
      s.warmup.map((w) => [w.stage, w.steps]),
      [
        ['app', 1],
        ['app', 1],
      ],
    );
  });

  it('no warm-up when the only stage reads the variant arg, or when one variant is built', () => {
    const a = setup(sharedBase, threeVariants);
    assert.deepEqual(
      scheduleJobs(a.config, buildPlan(a.config, { engine: 'podman' }).jobs, { engine: 'podman', read: a.read }).warmup,
      [],
    );
    const b = setup(heavy, threeVariants);
    const one = scheduleJobs(b.config, buildPlan(b.config, { engine: 'podman', variants: ['redis'] }).jobs, {
      engine: 'podman',
      read: b.read,
    });
    assert.deepEqual(one.warmup, []);
    assert.equal(one.pulls.length, 2);
  });

  it('a stage reading a variant-specific arg, or copying from one that does, is not shared', () => {
    const text =
      'FROM alpine AS deps\nARG EXTRA\nRUN make deps\nFROM alpine AS tools\nRUN make tools\nFROM tools AS compile\nCOPY --from=deps /d /d\nRUN make\nFROM alpine\nCOPY --from=compile /o /o\nCOPY --from=tools /t /t\n';
    const { config, read } = setup(text, { variants: { a: null, b: { args: { EXTRA: 'x' } } } });
    const s = scheduleJobs(config, buildPlan(config, { engine: 'podman' }).jobs, {
      engine: 'podman',
      read,
      host: 'linux/amd64',
    });
    assert.deepEqual(
      s.warmup.map((w) => w.stage),
      ['tools', 'tools'],
    );
    assert.deepEqual([...varyingArgs([{ A: '1', B: '2' }, { A: '1', B: '3' }, { A: '1' }])], ['B']);
  });

  it('per-variant targets: only stages at least two variants need are warmed', () => {
    const text =
      'FROM alpine AS base\nRUN make base\nFROM base AS dev\nRUN make dev\nFROM base AS prod\nRUN make prod\n';
    const { config, read } = setup(text, {
      variants: { dev: { target: 'dev' }, prod: { target: 'prod' }, prod2: { target: 'prod' } },
    });
    const s = scheduleJobs(config, buildPlan(config, { engine: 'podman' }).jobs, {
      engine: 'podman',
      read,
      host: 'linux/amd64',
    });
    // prod and prod2 are identical builds: their shared outermost stage is prod itself.
    assert.deepEqual(
      s.warmup.map((w) => w.stage),
      ['prod', 'prod'],
    );
  });

  it('dockerd and buildx get neither step (BuildKit pulls and deduplicates itself); an override gives per-platform docker warm-ups', () => {
    const { config, read } = setup(heavy, threeVariants);
    for (const engine of ['docker', 'buildx'] as const) {
      const jobs = buildPlan(config, { engine, schedule: false }).jobs;
      assert.deepEqual(scheduleJobs(config, jobs, { engine, read }), { pulls: [], warmup: [], jobs });
    }
    const s = scheduleJobs(config, buildPlan(config, { engine: 'docker', schedule: false }).jobs, {
      engine: 'docker',
      read,
      policy: { pull: false, warmup: true },
    });
    assert.deepEqual(
      s.warmup.map((w) => [w.stage, w.platforms, w.argv.slice(0, 5), w.env]),
      [
        [
          'compile',
          ['linux/amd64'],
          ['docker', 'build', '--progress=plain', '--platform', 'linux/amd64'],
          { DOCKER_BUILDKIT: '1' },
        ],
        [
          'compile',
          ['linux/arm64'],
          ['docker', 'build', '--progress=plain', '--platform', 'linux/arm64'],
          { DOCKER_BUILDKIT: '1' },
        ],
      ],
    );
    assert.deepEqual(
      s.warmup[1]!.cells.map((c) => c.platform),
      ['linux/arm64', 'linux/arm64', 'linux/arm64'],
    );
  });

  it('an unreadable Dockerfile schedules nothing (the build reports it)', () => {
    const { config } = setup(heavy, threeVariants);
    assert.deepEqual(
      scheduleJobs(config, buildPlan(config, { engine: 'podman' }).jobs, { engine: 'podman', read: () => undefined }),
      { pulls: [], warmup: [], jobs: buildPlan(config, { engine: 'podman' }).jobs },
    );
  });

  it('the plan JSON keeps jobs and adds warmup and pulls; the text shows them first', () => {
    const { config, read } = setup(heavy, threeVariants);
    const jobs = buildPlan(config, { engine: 'podman', schedule: false }).jobs;
    const plan = {
      engine: 'podman' as const,
      ...scheduleJobs(config, jobs, { engine: 'podman', read, host: 'linux/amd64' }),
    };
    const json = planToJson(plan, 'test') as {
      jobs: unknown[];
      warmup: Array<{ stage: string; platforms: string[]; argv: string[] }>;
      pulls: unknown[];
    };
    assert.equal(json.jobs.length, 3);
    assert.deepEqual(
      json.warmup.map((w) => [w.stage, w.platforms]),
      [
        ['compile', ['linux/amd64']],
        ['compile', ['linux/arm64']],
      ],
    );
    assert.deepEqual(json.pulls, [
      { image: base, platform: 'linux/amd64' },
      { image: base, platform: 'linux/arm64' },
    ]);
    const text = planToText(plan, 'test');
    assert.ok(text.indexOf('podman pull') < text.indexOf('--target compile'));
    assert.ok(text.indexOf('--target compile') < text.indexOf('--iidfile'));
    assert.ok(text.indexOf('wait\n') < text.indexOf('manifest create'));
    // The list's sources read the parts' iid files as a shell would.
    assert.match(
      text,
      /manifest create app:multiarch-tmp-\w+ containers-storage:"\$\(cat \/app\/\.multiarch\/parts\/multiarch-tmp-\w+-linux-amd64\.iid\)" /,
    );
    assert.deepEqual(
      (json.jobs[0] as { parts: Array<{ platform: string }> }).parts.map((p) => p.platform),
      ['linux/amd64', 'linux/arm64'],
    );
  });
});
