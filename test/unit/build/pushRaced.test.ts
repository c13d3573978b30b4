import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobExec } from '../../../src/core/build/jobExec';
import { JobProgress } from '../../../src/core/build/jobProgress';
import { pushRaced } from '../../../src/core/build/pushFailure';
import type { Job } from '../../../src/core/jobs';

/**
 * buildx's failure when BuildKit v0.11.6 pushed a manifest while another build of the daemon was still uploading
 * a shared layer to the same repository (recorded from `bench/build-all.ts --engines buildx --project
 * python-service`, 2026-12-07 21:49 UTC; the registry logged "manifest blob unknown" for that layer).
 */
const raced =
  'ERROR: failed to push 127.0.0.1:5000/bench-t7660mxdswlwt-2:t7660mxdswlwt-kafka: failed commit on ref "manifest-sha256:b567a4b7e50b66b60b482f5e92587aad720b5cfb32fba68c837e015a262e13f0": unexpected status: 400 Bad Request';

describe('a push that raced another push of a shared layer to the same repository', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'multiarch-raced-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /**
   * A stand-in for docker whose first run prints `steps.first` then `first` on stderr and exits 1, and whose later
   * runs print `steps.again` and succeed.
   */
  async function docker(
    first: string,
    steps: { first: string; again: string } = { first: '', again: '' },
  ): Promise<{ program: string; runs: () => Promise<number> }> {
    const count = join(dir, 'runs');
    const program = join(dir, 'docker');
    await writeFile(join(dir, 'first-steps'), steps.first);
    await writeFile(join(dir, 'again-steps'), steps.again);
    await writeFile(
      program,
      `#!/bin/sh
echo run >> '${count}'
if [ "$(wc -l < '${count}')" -eq 1 ]; then cat '${dir}/first-steps'; echo '${first}' >&2; exit 1; fi
cat '${dir}/again-steps'
echo pushed
`,
      { mode: 0o755 },
    );
    return { program, runs: async () => (await readFile(count, 'utf8')).trim().split('\n').length };
  }

  const job = (): Job => ({
    id: 'kafka',
    engine: 'buildx',
    variant: 'kafka',
    platforms: ['linux/amd64'],
    output: 'push',
    tags: ['127.0.0.1:5000/app:kafka'],
    argv: ['docker', 'buildx', 'build', '--push', '.'],
    program: 'docker',
    cwd: dir,
  });

  it('is built once more, saying why, and succeeds', async () => {
    const { program, runs } = await docker(raced);
    let said = '';
    const commands: string[][] = [];
    const exec = new JobExec({ programs: { docker: program } });
    const o = {
      onOutput: (_j: Job, text: string) => (said += text),
      onCommand: (_j: Job, a: string[]) => commands.push(a),
    };
    const r = await exec.run(job(), job().argv, { o, signal: new AbortController().signal });
    assert.equal(r.exitCode, 0);
    assert.equal(await runs(), 2);
    assert.equal(commands.length, 2, 'the second run is a command of its own');
    assert.match(said, /manifest blob unknown.*building again, from the cache/);
    assert.match(r.output, /pushed/);
  });

  it("keeps the first run's step timings: the run again finds every step in the cache", async () => {
    // One step in BuildKit's SolveStatus JSON (the shape of test/fixtures/progress/buildx-rawjson-steps.txt).
    const vertex = (cached: boolean, started: string, completed: string) =>
      `${JSON.stringify({ vertexes: [{ digest: 'sha256:a002', name: '[linux/amd64 deps 1/1] RUN pip install -r requirements/common.txt', started, completed, ...(cached ? { cached } : {}) }] })}\n`;
    const { program } = await docker(raced, {
      first: vertex(false, '2026-12-07T21:48:30.000000000Z', '2026-12-07T21:48:56.000000000Z'),
      again: vertex(true, '2026-12-07T21:49:20.000000000Z', '2026-12-07T21:49:20.000000000Z'),
    });
    const j = job();
    const exec = new JobExec({ programs: { docker: program } });
    exec.progress.set(j, new JobProgress(j));
    const r = await exec.run(j, j.argv, { o: {}, signal: new AbortController().signal });
    assert.equal(r.exitCode, 0);
    const steps = exec.progress.get(j)!.finish(Date.now())['kafka@linux/amd64']?.steps ?? [];
    assert.deepEqual(
      steps.map((st) => [st.instruction, st.cached, st.seconds]),
      [['RUN pip install -r requirements/common.txt', false, 26]],
    );
  });

  it('any other failure is not built again', async () => {
    for (const first of [
      raced.replace('400 Bad Request', '401 Unauthorized'),
      'ERROR: failed to solve: process "/bin/sh -c exit 3" did not complete successfully: exit code: 3',
    ]) {
      await rm(join(dir, 'runs'), { force: true });
      const { program, runs } = await docker(first);
      const exec = new JobExec({ programs: { docker: program } });
      const r = await exec.run(job(), job().argv, { o: {}, signal: new AbortController().signal });
      assert.equal(r.exitCode, 1, first);
      assert.equal(await runs(), 1, first);
    }
  });

  /**
   * The registry's words as podman 4.3 printed them when three jobs' `podman manifest push` went to one repository at
   * once (test/engines/schedule.test.ts, "heavy-shared with push output", fresh-clone CI of d9d07aa, 2026-12-08: the
   * job's problem read "manifest blob unknown: blob unknown to registry").
   */
  const pushRace = 'Error: manifest blob unknown: blob unknown to registry';

  it('a push step that met another push of a shared layer is pushed once more, saying why', async () => {
    const { program, runs } = await docker(pushRace);
    let said = '';
    const exec = new JobExec({ programs: { podman: program } });
    const argv = [
      'podman',
      'manifest',
      'push',
      '--all',
      '--tls-verify=false',
      'tmp-list',
      'docker://127.0.0.1:5000/app:kafka',
    ];
    const j = { ...job(), engine: 'podman' as const, program: 'podman' as const };
    const r = await exec.run(j, argv, {
      o: { onOutput: (_j, text) => (said += text) },
      signal: new AbortController().signal,
    });
    assert.equal(r.exitCode, 0);
    assert.equal(await runs(), 2);
    assert.match(said, /manifest blob unknown.*pushing again/);
  });

  it('pushRaced: only a buildx command, only that answer, and never a cancelled one', () => {
    const failed = { exitCode: 1, cancelled: false, output: `#12 pushing layers\n${raced}\n` };
    assert.equal(pushRaced(['docker', 'buildx', 'bake', '--push'], failed), true);
    assert.equal(pushRaced(['docker', 'push', 'app:x'], failed), false);
    assert.equal(pushRaced(['docker', 'buildx', 'build'], { ...failed, cancelled: true }), false);
    assert.equal(pushRaced(['docker', 'buildx', 'build'], { ...failed, exitCode: 0 }), false);
    const index = raced.replace('"manifest-sha256', '"index-sha256');
    assert.equal(pushRaced(['docker', 'buildx', 'build'], { ...failed, output: index }), true);
  });

  it('pushRaced: a push step with the registry\'s "manifest blob unknown", never a build or another answer', () => {
    const failed = { exitCode: 125, cancelled: false, output: `${pushRace}\n` };
    const push = ['podman', 'manifest', 'push', '--all', 'tmp', 'docker://127.0.0.1:5000/app:x'];
    assert.equal(pushRaced(push, failed), true);
    assert.equal(pushRaced(['docker', 'push', '127.0.0.1:5000/app:x'], failed), true);
    assert.equal(pushRaced(['podman', 'build', '--manifest', 'tmp', '.'], failed), false);
    assert.equal(pushRaced(['podman', 'manifest', 'push', '--all', 'tmp', 'oci-archive:/tmp/x.tar'], failed), false);
    assert.equal(pushRaced(push, { ...failed, cancelled: true }), false);
    assert.equal(pushRaced(push, { ...failed, output: 'Error: unauthorized: authentication required\n' }), false);
  });
});
