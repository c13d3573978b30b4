import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { lockPath } from '../../../src/core/build/lockFiles';
import type { EngineQuery } from '../../../src/core/build/engineQuery';
import { UP_TO_DATE, UpToDateJobs, watchStore, withoutFresh } from '../../../src/core/build/upToDate';
import { summaryTable } from '../../../src/core/build/summary';
import type { Job, Plan } from '../../../src/core/jobs';
import type { BuildRecord } from '../../../src/core/results/types';
import { StoreImages } from '../../../src/core/schedule/warmupSkip';
import { DockerBaseImages, DockerOutputs, PodmanOutputs } from '../../../src/core/build/jobOutputs';
import type { RegistryClient } from '../../../src/core/registry';

const base = '127.0.0.1:5000/base/python:3.11';
const dockerfile = `FROM ${base} AS builder
COPY requirements/ /requirements/
ARG QUEUE_BACKEND
RUN pip install -r /requirements/\${QUEUE_BACKEND}.txt
COPY src/ /app/
`;
const tag = 'app:redis';
const listId = 'a'.repeat(64);
const instances = ['sha256:' + '1'.repeat(64), 'sha256:' + '2'.repeat(64)];
const listText = (digests: string[]) => JSON.stringify({ manifests: digests.map((digest) => ({ digest })) });

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A project like the Python fixture, and its redis job as a podman Build All plans it. */
async function project(more: Partial<Job> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'up-to-date-'));
  dirs.push(dir);
  await mkdir(join(dir, 'requirements'));
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'requirements', 'redis.txt'), 'redis\n');
  await writeFile(join(dir, 'src', 'app.py'), 'print(1)\n');
  await writeFile(join(dir, 'Dockerfile'), dockerfile);
  const job: Job = {
    id: 'redis',
    engine: 'podman',
    program: 'podman',
    variant: 'redis',
    platforms: ['linux/amd64', 'linux/arm64'],
    output: 'load',
    tags: [tag],
    argv: [
      'podman',
      'build',
      '--platform',
      'linux/amd64,linux/arm64',
      '--manifest',
      'app:multiarch-tmp-0123456789ab',
      '-f',
      join(dir, 'Dockerfile'),
      '--build-arg',
      'QUEUE_BACKEND=redis',
      dir,
    ],
    cwd: dir,
    dockerfile: join(dir, 'Dockerfile'),
    staging: { discard: [], replaces: [tag] },
    ...more,
  };
  return { dir, job };
}

/** podman's answers, scripted: the base is a local list; the tag names a list whose instances are in the store. */
function store() {
  const state = {
    base: listText(['sha256:b1']),
    /** Whether the tag names a local manifest list. */
    tagged: true,
    /** Whether `podman images` lists the store (it fails while any list names an image that is gone). */
    listing: true,
    listed: [...instances],
    list: listText(instances),
  };
  const calls: string[] = [];
  const query: EngineQuery = async (argv) => {
    const line = argv.join(' ');
    calls.push(line);
    const answer = (ok: boolean, stdout = '') => ({ ok, stdout, stderr: '', exitCode: ok ? 0 : 125, timedOut: false });
    if (line === `podman manifest exists ${base}`) return answer(true);
    if (line === `podman manifest inspect ${base}`) return answer(true, state.base);
    if (line === `podman manifest exists ${tag}`) return answer(state.tagged);
    if (line === `podman manifest inspect ${tag}`) return answer(state.tagged, state.list);
    if (line === `podman manifest inspect ${listId}`) return answer(true, state.list);
    if (line === 'podman images --no-trunc --format json')
      return answer(
        state.listing,
        JSON.stringify([
          { Id: listId, Names: state.tagged ? [`localhost/${tag}`] : [], Digest: 'sha256:' + 'f'.repeat(64) },
          ...state.listed.map((Digest, i) => ({ Id: String(i).repeat(64), Names: null, Digest })),
        ]),
      );
    const inspect = 'podman image inspect --format {{.Id}} ';
    if (line.startsWith(inspect))
      return answer(
        line
          .slice(inspect.length)
          .split(' ')
          .every((ref) => ref.startsWith(`${tag}@`) && state.listed.includes(ref.slice(tag.length + 1))),
      );
    return answer(false);
  };
  return { state, calls, query };
}

const records = (job: Job, startedAt = '2026-12-06T05:00:00.000Z'): BuildRecord[] =>
  job.platforms.map((platform) => ({
    variant: job.variant,
    platform,
    engine: 'podman',
    output: 'load',
    status: 'succeeded',
    startedAt,
    durationMs: 41_000,
    image: tag,
    timing: { seconds: 40, steps: [] },
  }));

const checker = (s: ReturnType<typeof store>) =>
  new UpToDateJobs({
    host: 'linux/amd64',
    images: new StoreImages('podman', s.query),
    outputs: new PodmanOutputs('podman', s.query),
  });

/** A first run that built `job` (recorded), then a second run's answer for it. */
async function builtThenChecked(job: Job, s: ReturnType<typeof store>, between: () => Promise<void> = async () => {}) {
  const first = checker(s);
  assert.equal((await first.check([job])).size, 0, 'nothing recorded yet');
  assert.equal(first.summed, false, 'a first build has its inputs summed up after the pulls');
  // Summed up beside the build (the runner does not wait for it): the record waits for the sum.
  void first.start([job]);
  await first.built(job, records(job));
  await between();
  return checker(s).check([job]);
}

const later = (s: number) => new Date(Date.now() + s * 1000);

describe('up-to-date jobs (podman)', () => {
  it('a job built before is up to date while nothing it reads changed and its tag names the same complete list', async () => {
    const { job } = await project();
    const s = store();
    const fresh = await builtThenChecked(job, s);
    assert.deepEqual(fresh.get(job), records(job), 'the records of the build that made the images');
  });

  it('a source edit, other build args, a changed base or a changed Dockerfile builds again', async () => {
    const edits: Array<[string, (dir: string, s: ReturnType<typeof store>, job: Job) => Promise<void>]> = [
      ['a newer file COPY reads', async (dir) => utimes(join(dir, 'src', 'app.py'), later(60), later(60))],
      ['a new file COPY reads', async (dir) => writeFile(join(dir, 'src', 'new.py'), '')],
      ['the base list changed', async (_d, s) => void (s.state.base = listText(['sha256:b2']))],
      ['the Dockerfile changed', async (dir) => writeFile(join(dir, 'Dockerfile'), `${dockerfile}RUN true\n`)],
      ['other build args', async (_d, _s, job) => void job.argv.splice(-2, 1, 'QUEUE_BACKEND=sqs')],
    ];
    for (const [what, edit] of edits) {
      const { dir, job } = await project();
      const s = store();
      const fresh = await builtThenChecked(job, s, () => edit(dir, s, job));
      assert.equal(fresh.size, 0, what);
    }
  });

  it('an edit outside what the job reads (a file no COPY names, the state folder) keeps it up to date', async () => {
    const { dir, job } = await project();
    const s = store();
    const fresh = await builtThenChecked(job, s, async () => {
      await writeFile(join(dir, 'README.md'), 'notes\n');
      await mkdir(join(dir, '.multiarch'), { recursive: true });
      await writeFile(join(dir, '.multiarch', 'results.json'), '{}');
    });
    assert.equal(fresh.size, 1);
  });

  it('the tag moved, an image of the list is gone, or the list was changed: builds again (with the store listed, and each tag asked on its own)', async () => {
    const changes: Array<[string, (s: ReturnType<typeof store>) => void]> = [
      ['nothing', () => {}],
      ['the tag names no list any more', (s) => void (s.state.tagged = false)],
      ['an instance is gone', (s) => void (s.state.listed = instances.slice(1))],
      ['the list was edited', (s) => void (s.state.list = listText(instances.slice(0, 1)))],
    ];
    for (const listing of [true, false])
      for (const [what, change] of changes) {
        const { job } = await project();
        const s = store();
        s.state.listing = listing;
        const fresh = await builtThenChecked(job, s, async () => change(s));
        assert.equal(fresh.size, what === 'nothing' ? 1 : 0, `${what}, listing ${listing}`);
        if (what === 'nothing')
          assert.equal(
            s.calls.includes(`podman manifest inspect ${listId}`),
            listing,
            'a listed list is asked by its id',
          );
      }
  });

  it('a records file that does not parse, or an entry of the wrong shape, means a build', async () => {
    for (const text of ['{not json', JSON.stringify({ redis: { inputs: 'x' } })]) {
      const { dir, job } = await project();
      const s = store();
      const fresh = await builtThenChecked(job, s, () =>
        writeFile(join(dir, '.multiarch', 'cache', 'jobs.json'), text),
      );
      assert.equal(fresh.size, 0, text);
    }
  });

  it('a cell whose last build was killed, or that another build holds now (a lock file of it), builds again', async () => {
    for (const pid of [2 ** 22 + 17, process.pid]) {
      const { dir, job } = await project();
      const s = store();
      const fresh = await builtThenChecked(job, s, async () => {
        const file = lockPath(dir, { variant: 'redis', platform: 'linux/arm64' });
        await mkdir(dirname(file), { recursive: true });
        const holder = { pid, host: hostname(), what: 'redis@linux/arm64', since: new Date().toISOString() };
        await writeFile(file, JSON.stringify(holder));
      });
      assert.equal(fresh.size, 0, `held by ${pid}`);
    }
  });

  it('only local podman jobs that keep their images in the store are considered', async () => {
    const { job } = await project();
    assert.equal(UpToDateJobs.eligible(job), true);
    for (const other of [
      { ...job, output: 'push' as const },
      { ...job, node: 'arm-box' },
      { ...job, engine: 'docker' as const, program: 'docker' as const },
      { ...job, staging: undefined },
    ])
      assert.equal(UpToDateJobs.eligible(other), false, JSON.stringify(other).slice(0, 80));
    const docker = dockerJob(job);
    assert.equal(UpToDateJobs.eligible(docker), true, 'a dockerd load job');
    for (const other of [
      { ...docker, output: 'push' as const },
      { ...docker, after: [['docker', 'save', '-o', 'x.tar', docker.tags[0]!]] },
      { ...docker, staging: { discard: [] } },
      { ...docker, node: 'arm-box' },
    ])
      assert.equal(UpToDateJobs.eligible(other), false, JSON.stringify(other).slice(0, 80));
  });

  it('a job whose records were not made (its tag could not be read) is not recorded, so it builds next time', async () => {
    const { job } = await project();
    const s = store();
    const first = checker(s);
    await first.start([job]);
    s.state.tagged = false;
    await first.built(job, records(job));
    s.state.tagged = true;
    assert.equal((await checker(s).check([job])).size, 0);
  });

  it('the lane without its up-to-date jobs: their cells succeed with the last records, and pulls and warm-ups only they needed go', async () => {
    const { job: redis } = await project();
    const sqs: Job = { ...redis, id: 'sqs', variant: 'sqs', tags: ['app:sqs'] };
    const cells = (v: string) => redis.platforms.map((platform) => ({ variant: v, platform }));
    const plan: Plan = {
      engine: 'podman',
      jobs: [redis, sqs],
      pulls: [{ image: base, platform: 'linux/arm64', cells: [...cells('redis'), ...cells('sqs')] }],
      warmup: [
        {
          stage: 'builder',
          platforms: ['linux/arm64'],
          argv: [],
          program: 'podman',
          cwd: '/',
          dockerfile: '/D',
          cells: cells('redis'),
        },
        {
          stage: 'builder',
          platforms: ['linux/amd64'],
          argv: [],
          program: 'podman',
          cwd: '/',
          dockerfile: '/D',
          cells: cells('sqs'),
        },
      ],
    };
    const statuses: string[] = [];
    let said = '';
    const { plan: left, reused } = withoutFresh(plan, new Map([[redis, records(redis)]]), {
      onStatus: (cell, status, rec) => statuses.push(`${cell.variant}@${cell.platform} ${status} ${rec?.startedAt}`),
      onOutput: (_job, text) => (said += text),
    });
    assert.deepEqual(left.jobs, [sqs]);
    assert.deepEqual(left.pulls?.[0]?.cells, cells('sqs'));
    assert.deepEqual(
      left.warmup?.map((w) => w.platforms[0]),
      ['linux/amd64'],
    );
    assert.deepEqual(reused, [{ job: redis, status: 'succeeded', records: records(redis), upToDate: true }]);
    assert.deepEqual(statuses, [
      'redis@linux/amd64 succeeded 2026-12-06T05:00:00.000Z',
      'redis@linux/arm64 succeeded 2026-12-06T05:00:00.000Z',
    ]);
    assert.equal(said, `redis (linux/amd64, linux/arm64): ${UP_TO_DATE}\n`);
    assert.match(
      summaryTable([], reused[0]!.records),
      /redis +linux\/amd64 +up to date +41\.0\n/,
      'the summary says which cells were not built again',
    );
  });

  it('a pull step command that changes the store makes the base images be asked again; a query does not', async () => {
    const s = store();
    const images = new StoreImages('podman', s.query);
    const ran: string[] = [];
    const watched = watchStore(
      { exec: async (_job, argv) => (ran.push(argv.join(' ')), { exitCode: 0, output: '' }) },
      images,
    );
    const job = (await project()).job;
    await images.state(base);
    await watched.hooks.exec(job, ['podman', 'manifest', 'exists', base]);
    await images.state(base);
    assert.equal(watched.changed(), false);
    assert.equal(s.calls.filter((c) => c === `podman manifest inspect ${base}`).length, 1, 'asked once');
    await watched.hooks.exec(job, ['podman', 'pull', '-q', '--platform', 'linux/arm64', base]);
    await images.state(base);
    assert.equal(watched.changed(), true);
    assert.equal(
      s.calls.filter((c) => c === `podman manifest inspect ${base}`).length,
      2,
      'asked again after the pull',
    );
    assert.equal(ran.length, 2);
  });
});

/** The redis job as a dockerd Build All plans its arm64 cell: one platform, the image under a per-arch tag. */
function dockerJob(job: Job): Job {
  const dockerTag = 'app:redis-arm64';
  return {
    ...job,
    id: 'redis@linux/arm64',
    engine: 'docker',
    program: 'docker',
    platforms: ['linux/arm64'],
    tags: [dockerTag],
    argv: [
      'docker',
      'build',
      '--platform',
      'linux/arm64',
      '--progress=plain',
      '-f',
      job.dockerfile!,
      '-t',
      dockerTag,
      job.cwd,
    ],
    staging: undefined,
  };
}

/** dockerd's answers and the registry's, scripted: the base is not in dockerd's store, the tag names one image. */
function dockerStore() {
  const state = {
    /** The base in dockerd's store (`{{.Id}} {{.Os}}/{{.Architecture}}`), or undefined. */
    localBase: undefined as string | undefined,
    /** What the registry's tag of the base names; undefined: it cannot be reached. */
    remote: ('sha256:' + 'c'.repeat(64)) as string | undefined,
    image: ('sha256:' + 'd'.repeat(64)) as string | undefined,
  };
  const calls: string[] = [];
  const query: EngineQuery = async (argv) => {
    const line = argv.join(' ');
    calls.push(line);
    const answer = (stdout?: string) => ({
      ok: stdout !== undefined,
      stdout: stdout ?? '',
      stderr: '',
      exitCode: stdout !== undefined ? 0 : 1,
      timedOut: false,
    });
    if (line === `docker image inspect --format {{.Id}} {{.Os}}/{{.Architecture}} ${base}`)
      return answer(state.localBase);
    if (line === 'docker image inspect --format {{.Id}} app:redis-arm64')
      return answer(state.image && `${state.image}\n`);
    return answer();
  };
  const asked: string[] = [];
  const registry = async () =>
    ({
      digestOf: async (ref: { domain: string; path: string; tag?: string }) => {
        asked.push(`${ref.domain}/${ref.path}:${ref.tag}`);
        if (!state.remote) throw new Error('connection refused');
        return state.remote;
      },
    }) as unknown as RegistryClient;
  const checker = () =>
    new UpToDateJobs({
      host: 'linux/amd64',
      images: new DockerBaseImages('docker', query, registry),
      outputs: new DockerOutputs('docker', query),
    });
  return { state, calls, asked, checker };
}

describe('up-to-date jobs (dockerd)', () => {
  async function builtThenCheckedDocker(
    change: (s: ReturnType<typeof dockerStore>, dir: string) => Promise<void> | void,
  ) {
    const { dir, job: podmanJob } = await project();
    const job = dockerJob(podmanJob);
    const s = dockerStore();
    const first = s.checker();
    assert.equal((await first.check([job])).size, 0, 'nothing recorded yet');
    void first.start([job]);
    await first.built(job, records(job));
    await change(s, dir);
    return { fresh: await s.checker().check([job]), s, job };
  }

  it('a cell built before is up to date while its base (registry and store), inputs and image are the same', async () => {
    const { fresh, s, job } = await builtThenCheckedDocker(() => {});
    assert.deepEqual(fresh.get(job), records(job));
    assert.deepEqual(s.asked, [base, base], 'the registry is asked for the tag, once per run');
  });

  it('the registry’s tag of the base moved, a base appeared in dockerd’s store, the image under the tag changed, or a source changed: builds again', async () => {
    const changes: Array<[string, (s: ReturnType<typeof dockerStore>, dir: string) => Promise<void> | void]> = [
      ['the base was pushed again', (s) => void (s.state.remote = 'sha256:' + 'e'.repeat(64))],
      ['a base was pulled into the store', (s) => void (s.state.localBase = `sha256:${'f'.repeat(64)} linux/amd64`)],
      ['the tag names another image', (s) => void (s.state.image = 'sha256:' + '9'.repeat(64))],
      ['the tag is gone', (s) => void (s.state.image = undefined)],
      ['the registry cannot be asked', (s) => void (s.state.remote = undefined)],
      ['a source changed', (_s, dir) => writeFile(join(dir, 'src', 'app.py'), 'print(2)\n')],
    ];
    for (const [what, change] of changes) {
      const { fresh } = await builtThenCheckedDocker(change);
      assert.equal(fresh.size, 0, what);
    }
  });

  it('a base the registry cannot tell of leaves nothing recorded: the cell builds next time too', async () => {
    const { dir, job: podmanJob } = await project();
    const job = dockerJob(podmanJob);
    const s = dockerStore();
    s.state.remote = undefined;
    const first = s.checker();
    void first.start([job]);
    await first.built(job, records(job));
    s.state.remote = 'sha256:' + 'c'.repeat(64);
    assert.equal((await s.checker().check([job])).size, 0);
    assert.equal(
      s.calls.includes('docker image inspect --format {{.Id}} app:redis-arm64'),
      false,
      'no record to check',
    );
    void dir;
  });
});
