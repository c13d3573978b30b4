import { strict as assert } from 'node:assert';
import { mkdtempSync } from 'node:fs';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BuildRunner, BusyError } from '../../../src/core/build/runner';
import { failureLines } from '../../../src/core/build/summary';
import type { Job, Plan } from '../../../src/core/jobs';
import type { CellStatus } from '../../../src/core/results/types';

/** A project folder of this run's own: the runner keeps its per-cell lock files under `<cwd>/.multiarch/locks`. */
const cwd = mkdtempSync(join(tmpdir(), 'runner-project-'));

/** Jobs whose commands are plain shell scripts: the runner's scheduling is tested, not an engine. */
function job(variant: string, script: string, extra: Partial<Job> = {}): Job {
  return {
    id: variant,
    engine: 'podman',
    variant,
    platforms: ['linux/amd64', 'linux/arm64'],
    output: 'load',
    tags: [`app:${variant}`],
    argv: ['sh', '-c', script],
    cwd,
    ...extra,
  };
}

function events() {
  const log: string[] = [];
  return {
    log,
    onStatus: (cell: { variant: string; platform: string }, s: CellStatus) =>
      log.push(`${cell.variant}@${cell.platform.split('/')[1]}:${s}`),
  };
}

/**
 * A stand-in for podman's answers (the runner's order is tested, not podman): `-c SCRIPT` runs a job's build; a
 * plain `images` runs `listing`, then names a list that `images --filter` then finds without a name (the tag
 * moved off it); `manifest` and any other command run the shell lines given.
 */
async function fakePodman(
  dir: string,
  { listing = '', manifest, other }: { listing?: string; manifest: string; other: string },
): Promise<string> {
  const fake = join(dir, 'podman');
  await writeFile(
    fake,
    `#!/bin/sh
case "$1" in
  -c) sh -c "$2" ;;
  images) case "$*" in *--filter*) echo '[{"Id":"0123456789abcdef","Names":[]}]'; exit 0 ;; esac
    ${listing}
    echo '[{"Id":"0123456789abcdef","Names":["app:x"]}]' ;;
  manifest) ${manifest} ;;
  *) ${other} ;;
esac
`,
    { mode: 0o755 },
  );
  return fake;
}

describe('build runner', () => {
  it('runs before (failure ignored), the build, then after-steps; reports per-cell status and records', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runner-'));
    const trace = join(dir, 'trace');
    const plan: Plan = {
      engine: 'podman',
      jobs: [
        job('redis', `echo build >> ${trace}; echo "built $QUEUE"`, {
          before: [['sh', '-c', `echo before >> ${trace}; exit 1`]],
          after: [['sh', '-c', `echo after >> ${trace}`]],
          env: { QUEUE: 'redis' },
        }),
      ],
    };
    const e = events();
    let output = '';
    const summary = await new BuildRunner().run(plan, {
      ...e,
      onOutput: (_j, t) => (output += t),
      engineVersion: '4.3.1',
    });
    assert.equal(summary.ok, true);
    assert.equal(await readFile(trace, 'utf8'), 'before\nbuild\nafter\n');
    assert.match(output, /built redis/);
    assert.deepEqual(e.log, [
      'redis@amd64:queued',
      'redis@arm64:queued',
      'redis@amd64:running',
      'redis@arm64:running',
      'redis@amd64:succeeded',
      'redis@arm64:succeeded',
    ]);
    assert.deepEqual(
      summary.records.map((r) => [r.platform, r.status, r.image, r.engineVersion, r.emulated]),
      [
        ['linux/amd64', 'succeeded', 'app:redis', '4.3.1', process.arch !== 'x64'],
        ['linux/arm64', 'succeeded', 'app:redis', '4.3.1', process.arch !== 'arm64'],
      ],
    );
  });

  it('stops at the first failure: running jobs are cancelled, queued ones never start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runner-'));
    const plan: Plan = {
      engine: 'podman',
      jobs: [job('bad', 'exit 3'), job('slow', 'sleep 30'), job('later', `touch ${join(dir, 'later-ran')}`)],
    };
    const summary = await new BuildRunner({ concurrency: 2, killGraceMs: 200 }).run(plan);
    assert.equal(summary.ok, false);
    assert.deepEqual(
      summary.outcomes.map((o) => o.status),
      ['failed', 'cancelled', 'cancelled'],
    );
    assert.equal(summary.outcomes[0]!.records[0]!.exitCode, 3);
    await assert.rejects(readFile(join(dir, 'later-ran')));
  });

  it('a split job whose arm64 build fails: that cell failed, the amd64 one cancelled, the failure names arm64', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runner-'));
    const dockerfile = join(dir, 'Dockerfile');
    await writeFile(dockerfile, 'FROM scratch\nRUN make\n');
    const failing = `sleep 0.2; echo 'Error: building at STEP "RUN make": while running runtime: exit status 2'; exit 2`;
    const split = job('redis', 'exit 9', {
      dockerfile,
      parts: [
        { platform: 'linux/amd64', argv: ['sh', '-c', 'true'] },
        { platform: 'linux/arm64', argv: ['sh', '-c', failing] },
      ],
    });
    const e = events();
    const summary = await new BuildRunner().run({ engine: 'podman', jobs: [split] }, { onStatus: e.onStatus });
    assert.equal(summary.outcomes[0]!.status, 'failed');
    const [amd64, arm64] = summary.outcomes[0]!.records;
    assert.deepEqual([amd64!.status, arm64!.status], ['cancelled', 'failed']);
    assert.equal(arm64!.exitCode, 2);
    assert.match(arm64!.error!, /exit status 2/);
    assert.equal(amd64!.exitCode, undefined);
    assert.match(amd64!.error!, /linux\/arm64 build failed, so its tags stay where they were; fix that build/);
    assert.deepEqual(e.log.slice(-2), ['redis@amd64:cancelled', 'redis@arm64:failed']);
    assert.equal(
      failureLines(summary),
      `${dockerfile}:2: error: redis (linux/arm64): building at STEP "RUN make": while running runtime: exit status 2\n`,
    );
  });

  it("a buildx job's emulated part keeps its core from the run's start: a native job that comes first leaves the next native build waiting", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runner-'));
    const trace = join(dir, 'trace');
    const step = (name: string, s: number) => [
      'sh',
      '-c',
      `echo start-${name} >> ${trace}; sleep ${s}; echo end-${name} >> ${trace}`,
    ];
    const buildx = { engine: 'buildx' as const, platforms: ['linux/amd64'] };
    // kafka is one native build; minimal is split, its emulated part holding a core (runParts.ts holdsCore). Every
    // job starts at once, kafka first: before, both native builds ran beside the emulated one on 2 cores.
    const kafka = job('kafka', '', { ...buildx, argv: step('kafka', 0.3) });
    const minimal = job('minimal', '', {
      ...buildx,
      platforms: ['linux/amd64', 'linux/arm64'],
      parts: [
        { platform: 'linux/amd64', argv: step('minimal-amd64', 0.3) },
        { platform: 'linux/arm64', argv: step('minimal-arm64', 1) },
      ],
    });
    const summary = await new BuildRunner({ cores: 2 }).run({ engine: 'buildx', jobs: [kafka, minimal] });
    assert.equal(summary.ok, true);
    const lines = (await readFile(trace, 'utf8')).trim().split('\n');
    const natives = lines.filter((l) => /kafka|amd64/.test(l));
    assert.deepEqual(
      natives.map((l) => l.split('-')[0]),
      ['start', 'end', 'start', 'end'],
      lines.join(', '),
    );
    assert.ok(lines.indexOf('start-minimal-arm64') < lines.indexOf('end-kafka'), lines.join(', '));
  });

  it('--keep-going runs the rest after a failure', async () => {
    const plan: Plan = { engine: 'podman', jobs: [job('bad', 'exit 3'), job('good', 'true')] };
    const summary = await new BuildRunner({ concurrency: 1 }).run(plan, { keepGoing: true });
    assert.deepEqual(
      summary.outcomes.map((o) => o.status),
      ['failed', 'succeeded'],
    );
  });

  it("locates a failure in the job's Dockerfile", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runner-'));
    const dockerfile = join(dir, 'Dockerfile');
    await writeFile(dockerfile, 'FROM scratch\nRUN make\n');
    const script = `echo 'Error: building at STEP "RUN make": while running runtime: exit status 2'; exit 2`;
    const plan: Plan = { engine: 'podman', jobs: [job('x', script, { dockerfile })] };
    const summary = await new BuildRunner().run(plan);
    assert.deepEqual(summary.outcomes[0]!.problem, {
      file: dockerfile,
      line: 2,
      message: 'building at STEP "RUN make": while running runtime: exit status 2',
      exitCode: 2,
    });
    assert.equal(summary.records[0]!.error, summary.outcomes[0]!.problem!.message);
  });

  it('runs every command of a job with the configured program and creates the metadata folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runner-'));
    const trace = join(dir, 'trace');
    const metadataFile = join(dir, 'metadata', 'x.json');
    // argv[0] is the name the plan shows; the runner swaps in the configured path ($MULTIARCH_DOCKER).
    const step = (what: string) => ['docker', '-c', `echo ${what} >> ${trace}`];
    const plan: Plan = {
      engine: 'docker',
      jobs: [
        job('x', '', {
          argv: step('build'),
          before: [step('before')],
          after: [step('after')],
          program: 'docker',
          metadataFile,
        }),
      ],
    };
    const commands: string[][] = [];
    const summary = await new BuildRunner({ programs: { docker: 'sh' } }).run(plan, {
      onCommand: (_j, argv) => commands.push(argv),
    });
    assert.equal(summary.ok, true);
    assert.equal(await readFile(trace, 'utf8'), 'before\nbuild\nafter\n');
    assert.deepEqual(
      commands.map((c) => c[0]),
      ['sh', 'sh', 'sh'],
    );
    assert.ok((await stat(dirname(metadataFile))).isDirectory());
  });

  it('replace-on-success: a failed or cancelled job discards its staging and never touches the final file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runner-'));
    const final = join(dir, 'out.tar');
    const partial = `${final}.partial`;
    await writeFile(final, 'previous good archive');
    const trace = join(dir, 'trace');
    const staged = (script: string): Job =>
      job('x', `echo new > ${partial}; ${script}`, {
        staging: { discard: [['sh', '-c', `echo discarded >> ${trace}`]], files: { [partial]: final } },
      });

    const failed = await new BuildRunner().run({ engine: 'podman', jobs: [staged('exit 4')] });
    assert.equal(failed.ok, false);
    assert.equal(await readFile(final, 'utf8'), 'previous good archive');
    await assert.rejects(stat(partial), 'the partial file is removed');
    assert.equal(await readFile(trace, 'utf8'), 'discarded\n');

    const ac = new AbortController();
    const cancelled = new BuildRunner({ killGraceMs: 200 }).run(
      { engine: 'podman', jobs: [staged('echo started; sleep 30')] },
      { signal: ac.signal, onOutput: (_j, t) => t.includes('started') && ac.abort() },
    );
    assert.deepEqual(
      (await cancelled).outcomes.map((o) => o.status),
      ['cancelled'],
    );
    assert.equal(await readFile(final, 'utf8'), 'previous good archive');
    assert.equal(await readFile(trace, 'utf8'), 'discarded\ndiscarded\n');

    const ok = await new BuildRunner().run({ engine: 'podman', jobs: [staged('true')] });
    assert.equal(ok.ok, true);
    assert.equal(await readFile(final, 'utf8'), 'new\n');
    await assert.rejects(stat(partial));
    assert.equal(await readFile(trace, 'utf8'), 'discarded\ndiscarded\n', 'a successful job discards nothing');
  });

  it("frees a job's build slot when its build ends: the next build runs beside the after-steps", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runner-'));
    const second = join(dir, 'second-built');
    const trace = join(dir, 'trace');
    // The first job's after-step waits (up to 10 s) for the second job's build, which needs the one slot.
    const waitFor = `i=0; while [ ! -e ${second} ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done`;
    const plan: Plan = {
      engine: 'podman',
      jobs: [
        job('redis', `echo redis-build >> ${trace}`, {
          after: [['sh', '-c', `${waitFor}; [ -e ${second} ] && echo redis-after-saw-sqs >> ${trace}`]],
        }),
        job('sqs', `echo sqs-build >> ${trace}; touch ${second}`),
      ],
    };
    const summary = await new BuildRunner({ concurrency: 1 }).run(plan);
    assert.equal(summary.ok, true);
    assert.equal(await readFile(trace, 'utf8'), 'redis-build\nsqs-build\nredis-after-saw-sqs\n');
  });

  it('starts the last build beside the others by default, and never passes a number the user chose', async () => {
    // Each build marks itself running, counts the running ones, then marks itself started, waits until three have
    // started (up to `tries` × 0.05 s) while noting the most that ran at once, writes that, and unmarks itself as
    // running: whatever the machine's load, the largest number any build saw is how many ran at once. (Counted
    // before its own start mark, the third sees the two before it: they leave only once three have started.)
    const most = async (runner: BuildRunner, tries: number) => {
      const dir = await mkdtemp(join(tmpdir(), 'runner-'));
      const [started, running] = [join(dir, 'started'), join(dir, 'running')];
      const count = (d: string) => `$(ls ${d} | wc -l)`;
      const script = (v: string) =>
        `mkdir -p ${started} ${running}; touch ${running}/${v}; m=${count(running)}; touch ${started}/${v}; i=0; ` +
        `while r=${count(running)}; [ $r -gt $m ] && m=$r; [ ${count(started)} -lt 3 ] && [ $i -lt ${tries} ]; ` +
        `do sleep 0.05; i=$((i+1)); done; echo $m > ${dir}/${v}; rm ${running}/${v}`;
      const plan: Plan = { engine: 'podman', jobs: ['minimal', 'redis', 'sqs'].map((v) => job(v, script(v))) };
      assert.equal((await runner.run(plan)).ok, true);
      const seen = await Promise.all(
        ['minimal', 'redis', 'sqs'].map(async (v) => Number(await readFile(join(dir, v), 'utf8'))),
      );
      return Math.max(...seen);
    };
    // Two places, three builds: the third is the last to come, so it does not wait for one of the first two.
    assert.equal(await most(new BuildRunner({}), 400), 3);
    // --jobs 2 / maxParallelJobs set: never three at once.
    assert.equal(await most(new BuildRunner({ concurrency: 2 }), 20), 2);
  });

  it("asks what the job's tags name beside its build, and knows it before the after-steps move them", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runner-'));
    const built = join(dir, 'built');
    const trace = join(dir, 'trace');
    // `images` answers only once the build has run (up to 10 s).
    const fake = await fakePodman(dir, {
      listing: `i=0; while [ ! -e ${built} ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
    echo "images $([ -e ${built} ] && echo after-build || echo before-build)" >> ${trace}`,
      manifest: `echo "manifest $2 $3" >> ${trace}`,
      other: `echo "$*" >> ${trace}`,
    });
    const plan: Plan = {
      engine: 'podman',
      jobs: [
        job('redis', '', {
          argv: ['podman', '-c', `echo build >> ${trace}; touch ${built}`],
          program: 'podman',
          after: [['podman', 'tag', 'app:tmp', 'app:redis']],
          staging: { discard: [], replaces: ['app:redis'] },
        }),
      ],
    };
    const steps: string[][] = [];
    const runner = new BuildRunner({ programs: { podman: fake } });
    const summary = await runner.run(plan, { onCommand: (_j, argv) => steps.push(argv.slice(1)) });
    assert.equal(summary.ok, true);
    const lines = (await readFile(trace, 'utf8')).trim().split('\n');
    // The build ran while `images` waited; the tag came after both. Where the store is (`podman info`, for the
    // replaced list's removal) is asked as soon as a list is found, beside what follows.
    assert.ok(lines.includes('info --format json'), lines.join('; '));
    assert.deepEqual(lines.filter((l) => !l.startsWith('info ')).slice(0, 4), [
      'build',
      'images after-build',
      'manifest exists 0123456789abcdef',
      'tag app:tmp app:redis',
    ]);
    assert.ok(lines.includes('manifest rm 0123456789abcdef'), 'the list the tag named before is removed once unnamed');
  });

  it('a rebuild that made the images its tag names again leaves the tag there; one that made others moves it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runner-'));
    const trace = join(dir, 'trace');
    /** The traced podman calls of one run of `job`, whose temporary list lists `digests`, and what it said. */
    const rebuilt = async (digests: string[]) => {
      await writeFile(trace, '');
      const listed = JSON.stringify({ manifests: digests.map((digest) => ({ digest })) });
      const fake = await fakePodman(dir, {
        listing: `echo images >> ${trace}`,
        manifest: `case "$2" in inspect) echo "manifest inspect $3" >> ${trace}; echo '${listed}' ;; *) echo "manifest $2 $3" >> ${trace} ;; esac`,
        other: `echo "$*" >> ${trace}`,
      });
      const drop = ['podman', 'manifest', 'rm', 'app:tmp'];
      const plan: Plan = {
        engine: 'podman',
        jobs: [
          job('redis', '', {
            argv: ['podman', '-c', `echo build >> ${trace}`],
            program: 'podman',
            after: [['podman', 'tag', 'app:tmp', 'app:redis'], drop],
            staging: { discard: [drop], replaces: ['app:redis'] },
            madeBefore: { list: 'app:tmp', instances: ['sha256:a', 'sha256:b'] },
          }),
        ],
      };
      let said = '';
      const summary = await new BuildRunner({ programs: { podman: fake } }).run(plan, {
        onOutput: (_j, text) => (said += text),
      });
      assert.equal(summary.ok, true);
      return { calls: (await readFile(trace, 'utf8')).trim().split('\n'), said };
    };
    // The same images, listed in another order: only the temporary list goes, and nothing asks what the tag named.
    const same = await rebuilt(['sha256:b', 'sha256:a']);
    assert.deepEqual(same.calls, ['build', 'manifest inspect app:tmp', 'manifest rm app:tmp']);
    assert.match(same.said, /app:redis: every step came from the cache and made the images this tag names already/);
    // Another image (or one more): the tag moves, and the list it named is found and removed as after any build.
    for (const digests of [
      ['sha256:a', 'sha256:c'],
      ['sha256:a', 'sha256:b', 'sha256:c'],
    ]) {
      const other = await rebuilt(digests);
      // (`podman info`, for the list's removal, is asked beside what follows.)
      assert.deepEqual(other.calls.filter((c) => !c.startsWith('info ')).slice(0, 5), [
        'build',
        'manifest inspect app:tmp',
        'images',
        'manifest exists 0123456789abcdef',
        'tag app:tmp app:redis',
      ]);
      assert.ok(other.calls.includes('manifest rm 0123456789abcdef'), other.calls.join('; '));
      assert.doesNotMatch(other.said, /tag stays/);
    }
  });

  it('removes a replaced list only once every build of the lane has ended', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runner-'));
    const trace = join(dir, 'trace');
    const fake = await fakePodman(dir, {
      manifest: `[ "$2" = rm ] && echo "manifest rm $3" >> ${trace}; exit 0`,
      other: 'exit 0',
    });
    const podmanJob = (variant: string, script: string): Job =>
      job(variant, '', {
        argv: ['podman', '-c', script],
        program: 'podman',
        after: [['podman', 'tag', 'app:tmp', `app:${variant}`]],
        staging: { discard: [], replaces: [`app:${variant}`] },
      });
    const plan: Plan = {
      engine: 'podman',
      jobs: [
        podmanJob('redis', `echo redis-built >> ${trace}`),
        podmanJob('sqs', `sleep 1; echo sqs-built >> ${trace}`),
      ],
    };
    const summary = await new BuildRunner({ programs: { podman: fake }, concurrency: 2 }).run(plan);
    assert.equal(summary.ok, true);
    const lines = (await readFile(trace, 'utf8')).trim().split('\n');
    assert.deepEqual(lines.slice(0, 2), ['redis-built', 'sqs-built'], lines.join('; '));
    // Both tags named the same list here: it is removed once, after both builds.
    assert.deepEqual(lines.slice(2), ['manifest rm 0123456789abcdef']);
  });

  /**
   * A podman whose pull of the base waits (up to 5 s) for the job's temporary list to be removed, and then succeeds
   * or fails (`pullExit`); every call is traced.
   */
  async function pullWaitingPodman(dir: string, pullExit: number): Promise<string> {
    const file = join(dir, 'podman');
    const gate = join(dir, 'tmp-list-removed');
    await writeFile(
      file,
      `#!/bin/sh
case "$1 $2" in
  "-c "*) exec sh -c "$2" ;;
  "manifest exists") exit 1 ;;
  "image inspect") exit 125 ;;
  "manifest rm") echo "manifest rm $3" >> ${join(dir, 'trace')}; touch ${gate}; exit 1 ;;
  "pull "*) i=0; while [ ! -e ${gate} ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
    echo "pull ended" >> ${join(dir, 'trace')}
    [ ${pullExit} = 0 ] || { echo "Error: writing blob: no space left on device"; exit ${pullExit}; }
    echo ${'a'.repeat(64)} ;;
esac
exit 0
`,
      { mode: 0o755 },
    );
    return file;
  }

  function pulledPlan(dir: string): Plan {
    const cells = [{ variant: 'redis', platform: 'linux/amd64' }];
    return {
      engine: 'podman',
      jobs: [
        job('redis', '', {
          platforms: ['linux/amd64'],
          argv: ['podman', '-c', `echo build >> ${join(dir, 'trace')}`],
          program: 'podman',
          before: [['podman', 'manifest', 'rm', 'app:multiarch-tmp-0123456789ab']],
        }),
      ],
      pulls: [{ image: '127.0.0.1:5000/base/busybox:1', platform: 'linux/amd64', cells }],
    };
  }

  it("clears a job's leftovers (its temporary list) beside the base's pull, not after it", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runner-'));
    const podman = await pullWaitingPodman(dir, 0);
    const summary = await new BuildRunner({ programs: { podman } }).run(pulledPlan(dir));
    assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
    // Were the temporary list removed only once the pull had ended, the pull would give up waiting first.
    assert.deepEqual((await readFile(join(dir, 'trace'), 'utf8')).trim().split('\n'), [
      'manifest rm app:multiarch-tmp-0123456789ab',
      'pull ended',
      'build',
    ]);
  });

  it('a failed pull frees the cells its jobs had taken: the next run builds them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runner-'));
    const runner = new BuildRunner({ programs: { podman: await pullWaitingPodman(dir, 125) } });
    const plan = pulledPlan(dir);
    const failed = await runner.run(plan);
    assert.equal(failed.ok, false);
    assert.match(failed.outcomes[0]!.problem!.message, /no space left on device/);
    assert.deepEqual(
      runner.locks.busy(plan.jobs.flatMap((j) => j.platforms.map((platform) => ({ variant: j.variant, platform })))),
      [],
    );
    const again = await new BuildRunner({ programs: { podman: await pullWaitingPodman(dir, 0) } }).run(plan);
    assert.equal(again.ok, true, JSON.stringify(again.outcomes.map((o) => o.problem)));
  });

  it('refuses a second run of a busy cell, or waits for it when asked', async () => {
    const runner = new BuildRunner();
    const gate = join(await mkdtemp(join(tmpdir(), 'runner-')), 'gate');
    // The first build waits until the gate file exists, so the second run overlaps it for sure.
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const first = runner.run(
      { engine: 'podman', jobs: [job('redis', `while [ ! -e ${gate} ]; do sleep 0.05; done`)] },
      { onStatus: (_c, s) => s === 'running' && started() },
    );
    await running;
    await assert.rejects(
      runner.run({ engine: 'podman', jobs: [job('redis', 'true')] }),
      (e: Error) => e instanceof BusyError && /redis on linux\/amd64/.test(e.message),
    );
    const e = events();
    const second = runner.run({ engine: 'podman', jobs: [job('redis', 'true')] }, { ...e, waitForBusy: true });
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(!e.log.some((l) => l.endsWith(':running')), 'second run started while the first held the cells');
    await writeFile(gate, '');
    assert.equal((await first).ok, true);
    assert.equal((await second).ok, true);
  });

  it('cancelling a run marks its cells cancelled', async () => {
    const ac = new AbortController();
    const e = events();
    const running = new BuildRunner({ killGraceMs: 200 }).run(
      { engine: 'podman', jobs: [job('redis', 'echo started; sleep 30')] },
      {
        ...e,
        signal: ac.signal,
        onOutput: () => ac.abort(),
      },
    );
    const summary = await running;
    assert.equal(summary.ok, false);
    assert.deepEqual(
      summary.records.map((r) => [r.status, r.error]),
      [
        ['cancelled', 'cancelled'],
        ['cancelled', 'cancelled'],
      ],
    );
  });
});
