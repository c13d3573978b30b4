import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Warmup } from '../../../src/core/jobs';
import { contextFiles, sourcesOf, WarmupRecords, type PodmanQuery } from '../../../src/core/schedule/warmupSkip';

const base = '127.0.0.1:5000/base/python:3.11';
const cut = `FROM ${base} AS builder
RUN python -m venv /opt/venv
COPY vendor/ /vendor/
COPY requirements/common.txt /requirements/
RUN pip install --no-index --find-links /vendor -r /requirements/common.txt
`;

/** A project like the Python fixture: vendored wheels and requirements the shared steps copy, sources they do not. */
async function project() {
  const dir = await mkdtemp(join(tmpdir(), 'warmup-skip-'));
  await mkdir(join(dir, 'vendor'));
  await mkdir(join(dir, 'requirements'));
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'vendor', 'redis-5.0.whl'), 'wheel');
  await writeFile(join(dir, 'requirements', 'common.txt'), 'redis\n');
  await writeFile(join(dir, 'requirements', 'redis.txt'), 'redis\n');
  await writeFile(join(dir, 'src', 'app.py'), 'print(1)\n');
  const file = join(dir, '.multiarch', 'warmup', 'abc.Dockerfile');
  const w: Warmup = {
    stage: 'builder',
    steps: 4,
    files: { [file]: cut },
    platforms: ['linux/arm64'],
    argv: ['podman', 'build', '--platform', 'linux/arm64', '-f', file, '--build-arg', 'QUEUE_BACKEND=redis', dir],
    program: 'podman',
    cwd: dir,
    dockerfile: join(dir, 'Dockerfile'),
    cells: [{ variant: 'redis', platform: 'linux/arm64' }],
    marker: 'warmup-abc',
  };
  return { dir, w };
}

/** podman's answers for the store, scripted: the base is a local list, the warm-up's image is there or not. */
function store() {
  const state = { list: '{"manifests":[{"digest":"sha256:1"}]}', imagePresent: true };
  const calls: string[] = [];
  const query: PodmanQuery = async (argv) => {
    const line = argv.join(' ');
    calls.push(line);
    if (line === `podman manifest exists ${base}`) return { ok: true, stdout: '' };
    if (line === `podman manifest inspect ${base}`) return { ok: true, stdout: state.list };
    if (line.startsWith('podman image exists ')) return { ok: state.imagePresent, stdout: '' };
    return { ok: false, stdout: '' };
  };
  return { state, calls, query };
}

const image = 'c'.repeat(64);
const output = `[1/1] STEP 4/4: RUN pip install …\n--> ${image.slice(0, 11)}\n${image}\n`;
const later = (s: number) => new Date(Date.now() + s * 1000);

describe('warm-up skip', () => {
  it('reads the context paths COPY and ADD name; a pattern, a variable, a heredoc or a RUN mount means the whole context', () => {
    assert.deepEqual(sourcesOf(cut), ['requirements/common.txt', 'vendor']);
    assert.deepEqual(
      sourcesOf(
        'FROM a AS x\nCOPY --from=b /x /x\nADD https://example.org/f.tgz /f\nCOPY ./src/../lib/ /lib/\nCOPY a b /dst/\n',
      ),
      ['a', 'b', 'lib'],
    );
    for (const text of [
      'FROM a\nCOPY *.txt /x/\n',
      'FROM a\nARG D\nCOPY ${D} /x/\n',
      'FROM a\nRUN --mount=type=bind,target=/src make\n',
      'FROM a\nCOPY <<EOF /x\nhi\nEOF\n',
    ])
      assert.deepEqual(sourcesOf(text), [''], text);
  });

  it('sums up the files a warm-up reads: .dockerignore and the state folder left out, a path outside the context refused', async () => {
    const { dir } = await project();
    await writeFile(join(dir, '.dockerignore'), 'vendor/*.tmp\n');
    await writeFile(join(dir, 'vendor', 'build.tmp'), 'scratch');
    await mkdir(join(dir, '.multiarch'), { recursive: true });
    await writeFile(join(dir, '.multiarch', 'results.json'), '[]');
    const whole = await contextFiles(dir, ['']);
    assert.deepEqual(
      whole?.map((l) => l.split('\0')[0]),
      ['.dockerignore', 'requirements/common.txt', 'requirements/redis.txt', 'src/app.py', 'vendor/redis-5.0.whl'],
    );
    assert.deepEqual(
      (await contextFiles(dir, ['vendor', 'gone.txt']))?.map((l) => l.split('\0').slice(0, 2).join(' ')),
      ['vendor/redis-5.0.whl 5', 'gone.txt missing'],
    );
    assert.equal(await contextFiles(dir, ['../elsewhere']), undefined);
  });

  it('skips a warm-up that built before while nothing it reads changed and its image is in the store', async () => {
    const { dir, w } = await project();
    const s = store();
    const first = new WarmupRecords({ program: 'podman', query: s.query, host: 'linux/amd64' });
    assert.equal(await first.unchanged(w), false, 'never built: it runs');
    await first.built(w, output);
    const saved = JSON.parse(await readFile(join(dir, '.multiarch', 'cache', 'warmups.json'), 'utf8')) as Record<
      string,
      { image: string }
    >;
    assert.equal(saved['warmup-abc']!.image, image);

    s.calls.length = 0;
    assert.equal(
      await new WarmupRecords({ program: 'podman', query: s.query, host: 'linux/amd64' }).unchanged(w),
      true,
    );
    assert.ok(s.calls.includes(`podman image exists ${image}`));

    // Editing what only the variants read (the sources, another requirements file) keeps the skip.
    await utimes(join(dir, 'src', 'app.py'), later(5), later(5));
    await writeFile(join(dir, 'requirements', 'redis.txt'), 'redis==5\n');
    assert.equal(
      await new WarmupRecords({ program: 'podman', query: s.query, host: 'linux/amd64' }).unchanged(w),
      true,
    );
  });

  it('a warm-up never built here starts without waiting for the store’s answers; what it read is recorded once it built', async () => {
    const { w } = await project();
    const s = store();
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    const slow: PodmanQuery = async (argv) => {
      await held;
      return s.query(argv);
    };
    const records = new WarmupRecords({ program: 'podman', query: slow, host: 'linux/amd64' });
    const waited = new Promise<string>((resolve) => setTimeout(() => resolve('waited for the store'), 1000));
    assert.equal(await Promise.race([records.unchanged(w), waited]), false);
    assert.equal(s.calls.length, 0, 'the store has not answered yet');
    // A warm-up that ends meanwhile (failed, cancelled) waits for those answers: no query outlives the run.
    let settled = false;
    const ended = records.settled(w).then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(settled, false, 'settled before the store answered');
    answer();
    await ended;
    await records.built(w, output);
    assert.ok(s.calls.includes(`podman manifest inspect ${base}`), s.calls.join('\n'));
    assert.equal(
      await new WarmupRecords({ program: 'podman', query: s.query, host: 'linux/amd64' }).unchanged(w),
      true,
      'recorded with the base images’ state',
    );
  });

  it('runs it again when a file it copies, the base image, its build args or its image changed', async () => {
    const { dir, w } = await project();
    const s = store();
    await new WarmupRecords({ program: 'podman', query: s.query, host: 'linux/amd64' }).unchanged(w);
    const first = new WarmupRecords({ program: 'podman', query: s.query, host: 'linux/amd64' });
    await first.unchanged(w);
    await first.built(w, output);
    const again = () => new WarmupRecords({ program: 'podman', query: s.query, host: 'linux/amd64' }).unchanged(w);
    assert.equal(await again(), true);

    await utimes(join(dir, 'vendor', 'redis-5.0.whl'), later(10), later(10));
    assert.equal(await again(), false, 'a copied file was touched');
    const rebuilt = new WarmupRecords({ program: 'podman', query: s.query, host: 'linux/amd64' });
    await rebuilt.unchanged(w);
    await rebuilt.built(w, output);
    assert.equal(await again(), true, 'built again with the new file');

    s.state.list = '{"manifests":[{"digest":"sha256:2"}]}';
    assert.equal(await again(), false, 'the base list names other images');
    s.state.list = '{"manifests":[{"digest":"sha256:1"}]}';

    const otherArgs = { ...w, argv: w.argv.map((a) => (a === 'QUEUE_BACKEND=redis' ? 'QUEUE_BACKEND=sqs' : a)) };
    assert.equal(
      await new WarmupRecords({ program: 'podman', query: s.query, host: 'linux/amd64' }).unchanged(otherArgs),
      false,
    );

    s.state.imagePresent = false;
    assert.equal(await again(), false, 'its image was removed');
  });

  it('a records file that is not JSON counts as empty and is written anew once the warm-up built', async () => {
    const { dir, w } = await project();
    const s = store();
    const file = join(dir, '.multiarch', 'cache', 'warmups.json');
    await mkdir(join(dir, '.multiarch', 'cache'), { recursive: true });
    await writeFile(file, '{"warmup-abc": {"inputs": 1');
    const records = new WarmupRecords({ program: 'podman', query: s.query, host: 'linux/amd64' });
    assert.equal(await records.unchanged(w), false);
    await records.built(w, output);
    assert.equal(
      await new WarmupRecords({ program: 'podman', query: s.query, host: 'linux/amd64' }).unchanged(w),
      true,
    );
  });

  it('two warm-ups that end together are both recorded', async () => {
    const { dir, w } = await project();
    const s = store();
    const amd = { ...w, platforms: ['linux/amd64'], marker: 'warmup-amd' };
    const records = new WarmupRecords({ program: 'podman', query: s.query, host: 'linux/amd64' });
    await Promise.all([records.unchanged(w), records.unchanged(amd)]);
    await Promise.all([records.built(w, output), records.built(amd, output)]);
    const saved = JSON.parse(await readFile(join(dir, '.multiarch', 'cache', 'warmups.json'), 'utf8')) as object;
    assert.deepEqual(Object.keys(saved).sort(), ['warmup-abc', 'warmup-amd']);
  });

  it('never skips a warm-up on a build node or without a marker, and asks podman nothing for it', async () => {
    const { w } = await project();
    const s = store();
    const records = new WarmupRecords({ program: 'podman', query: s.query, host: 'linux/amd64' });
    assert.equal(await records.unchanged({ ...w, node: 'arm-box' }), false);
    assert.equal(await records.unchanged({ ...w, marker: undefined }), false);
    assert.deepEqual(s.calls, []);
  });
});
