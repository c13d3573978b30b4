// A buildx Build All that pushes one build per variant and platform (the split while the emulated shared steps are
// cold), stopped half-way: by Ctrl+C once the native parts have pushed by digest and the emulated ones are in a RUN
// under QEMU, or by one variant's arm64 build failing. A real docker buildx and BuildKit (see buildxEnv.ts); skipped,
// with the reason, without them.
import { strict as assert } from 'node:assert';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedConfig } from '../../src/core/config/types';
import { runTool } from '../../src/core/engines/exec';
import type { BuildRecord } from '../../src/core/results/types';
import { docker, eventually, processesWhere, registry, removeRunRepository, runTag } from './helpers';
import { multiarch, queueServicePushing, requireBuildx, type Buildx } from './buildxEnv';
import { startBuild } from './startBuild';

/** Pids of live processes with `arg` among their arguments (a build step under QEMU runs as the interpreter). */
const processesWith = (arg: string) => processesWhere((argv) => argv.includes(arg));

describe('docker buildx: a split Build All (push) stopped half-way', function () {
  this.timeout(600_000);
  let bx: Buildx;
  let config: ResolvedConfig;
  const image = `queue-service-cancel-${runTag}`;
  // The slow step's shell carries this as its $0, so its process is found by it (and only it).
  const marker = `multiarch-slow-${runTag}`;

  before(async function () {
    bx = await requireBuildx(this);
    config = await queueServicePushing(image);
  });

  after(async () => {
    if (!config) return;
    await removeRunRepository(`${registry}/${image}`);
    await rm(config.root, { recursive: true, force: true });
  });

  /** Each variant's tag (`<registry>/<image>:<tag>-<variant>`) as the registry holds it: the raw index, or why not. */
  const tags = async (variants = ['kafka', 'redis', 'sqs', 'minimal']) => {
    const out: Record<string, string> = {};
    for (const v of variants) {
      const tag = `${registry}/${image}:${runTag}-${v}`;
      const r = await runTool([docker, 'buildx', 'imagetools', 'inspect', '--raw', tag], { env: bx.env });
      out[tag] = r.ok ? r.stdout : `unreadable: ${r.stderr}`;
    }
    return out;
  };
  /** The deps stage every variant shares, with `step` as its first RUN: a change there makes Build All split. */
  const withSharedStep = async (step: string) => {
    const file = join(config.root, 'Dockerfile');
    const text = (await readFile(file, 'utf8')).replace(/^(FROM \S+ AS deps\n)(# shared step\nRUN .*\n)?/m, '$1');
    await writeFile(file, text.replace(/^(FROM \S+ AS deps\n)/m, `$1# shared step\nRUN ${step}\n`));
  };
  const split = /\$ \S*docker buildx build --platform linux\/(amd64|arm64) .*push-by-digest=true/g;
  const build = ['--output', 'push', '--engine', 'buildx', '--json'];

  it('Ctrl+C: exit 1, BuildKit stops the RUN, every tag and record as before; the next Build All succeeds', async () => {
    await withSharedStep('echo first');
    const first = await multiarch(config.root, ['build', ...build], bx.env);
    assert.equal(first.exitCode, 0, String(first.stderr).slice(-3000));
    assert.equal(String(first.stderr).match(split)?.length, 8, 'the first Build All split');
    const tagsBefore = await tags();
    const sizesBefore = await multiarch(config.root, ['sizes', '--json'], bx.env);
    assert.equal(sizesBefore.exitCode, 0, String(sizesBefore.stderr));

    // A new shared step, slow under QEMU only: the amd64 parts build and push by digest, the arm64 ones sleep.
    await withSharedStep(`[ "$(uname -m)" != aarch64 ] || sh -c 'sleep 600; :' ${marker}`);
    const run = await startBuild(config.root, bx.env, build);
    // BuildKit prints a status's seconds only when it took over 10 ms (progressui): "… 0.0s done" or "… done".
    await run.until(/(pushing manifest for \S+ (?:[\d.]+s )?done[\s\S]*){4}/);
    await eventually(() => processesWith(marker).length > 0, 60_000, 'an arm64 part to reach its sleep');
    assert.equal(run.output().match(split)?.length, 8, 'Build All split');
    run.child.kill('SIGINT');
    const r = await run.child;
    assert.equal(r.exitCode, 1, run.output().slice(-3000));
    await eventually(() => processesWith(marker).length === 0, 30_000, 'BuildKit to stop the sleeping RUN');
    await eventually(
      () => processesWith(join(config.root, 'Dockerfile')).length === 0,
      10_000,
      'the docker buildx processes to end',
    );

    // No tag moved and nothing the user had is gone: the records still name the first run's images.
    assert.deepEqual(await tags(), tagsBefore);
    const sizesAfter = await multiarch(config.root, ['sizes', '--json'], bx.env);
    assert.equal(sizesAfter.exitCode, 0, String(sizesAfter.stderr));
    assert.deepEqual(JSON.parse(String(sizesAfter.stdout)), JSON.parse(String(sizesBefore.stdout)));

    await withSharedStep('echo after the cancel');
    const next = await multiarch(config.root, ['build', ...build], bx.env);
    assert.equal(next.exitCode, 0, String(next.stderr).slice(-3000));
    assert.equal(String(next.stderr).match(split)?.length, 8, 'the next Build All split');
    const after = await tags();
    for (const [tag, index] of Object.entries(after)) {
      assert.notEqual(index, tagsBefore[tag], `${tag} moved to the new build`);
      const { manifests } = JSON.parse(index) as {
        manifests: Array<{ platform: { architecture: string }; annotations?: Record<string, string> }>;
      };
      // The attestation manifests buildx pushed beside each image (platform unknown) stay in the index too.
      const images = manifests.filter((m) => !m.annotations?.['vnd.docker.reference.digest']);
      assert.deepEqual(images.map((m) => m.platform.architecture).sort(), ['amd64', 'arm64'], `${tag}: ${index}`);
    }
  });
  it("--keep-going, redis's arm64 build fails: that cell failed at its line, redis amd64 cancelled, only redis's tag stays", async () => {
    const file = join(config.root, 'Dockerfile');
    const original = await readFile(file, 'utf8');
    try {
      await withSharedStep('echo before the failure');
      const first = await multiarch(config.root, ['build', ...build], bx.env);
      assert.equal(first.exitCode, 0, String(first.stderr).slice(-3000));
      const before = await tags();
      await withSharedStep('echo a new shared step');
      const failing = `[ "$QUEUE_BACKEND-$(uname -m)" != redis-aarch64 ] || exit 3`;
      await writeFile(file, (await readFile(file, 'utf8')).replace(/^CMD /m, `RUN ${failing}\nCMD `));
      const line = (await readFile(file, 'utf8')).split('\n').indexOf(`RUN ${failing}`) + 1;
      const r = await multiarch(config.root, ['build', ...build, '--keep-going'], bx.env);
      assert.equal(r.exitCode, 1, String(r.stderr).slice(-3000));
      // Split: the four arm64 builds start at once; redis's amd64 one may never start once its arm64 one failed.
      assert.doesNotMatch(String(r.stderr), /\$ \S*docker buildx bake /);
      assert.equal(
        String(r.stderr)
          .match(split)
          ?.filter((l) => l.includes('linux/arm64')).length,
        4,
      );
      const result = JSON.parse(String(r.stdout)) as {
        records: BuildRecord[];
        problems: Array<{ job: string; platforms: string[]; file?: string; line?: number; exitCode?: number }>;
      };
      const status = Object.fromEntries(result.records.map((x) => [`${x.variant}@${x.platform}`, x.status]));
      assert.deepEqual(status, {
        'kafka@linux/amd64': 'succeeded',
        'kafka@linux/arm64': 'succeeded',
        'redis@linux/amd64': 'cancelled',
        'redis@linux/arm64': 'failed',
        'sqs@linux/amd64': 'succeeded',
        'sqs@linux/arm64': 'succeeded',
        'minimal@linux/amd64': 'succeeded',
        'minimal@linux/arm64': 'succeeded',
      });
      // The failure names the platform that failed and the Dockerfile line (the CLI's JSON; the terminal prints
      // `Dockerfile:LINE: error: redis (linux/arm64): …` from the same outcome).
      assert.deepEqual(
        result.problems.map((p) => [p.job, p.platforms, p.file, p.line, p.exitCode]),
        [['redis', ['linux/arm64'], file, line, 3]],
      );
      const after = await tags();
      for (const [tag, index] of Object.entries(after))
        if (tag.endsWith('-redis')) assert.equal(index, before[tag], `${tag} stayed`);
        else assert.notEqual(index, before[tag], `${tag} moved`);
    } finally {
      await writeFile(file, original);
    }
  });
});
