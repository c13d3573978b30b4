// Real podman and dockerd: the project's own checks run in each built cell (arm64 under QEMU), judged by
// the machine-name rule or an `expect`, with a time limit that removes the container.
import { strict as assert } from 'node:assert';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildRunner } from '../../src/core/build/runner';
import type { ResolvedConfig } from '../../src/core/config/types';
import { programsFromEnv } from '../../src/core/engines/detect';
import { buildPlan } from '../../src/core/matrix/plan';
import { ResultsStore } from '../../src/core/results/store';
import { run as runVerifyCli } from '../../src/cli/commands/verify';
import type { EngineKind } from '../../src/core/jobs';
import { runTool, type ToolRunner } from '../../src/core/engines/exec';
import { verifyBuilds } from '../../src/core/verify/runVerify';
import type { VerifyResult } from '../../src/core/verify/types';
import { docker, env, fixtureWorkspace, removeBuiltImages, runTag } from './helpers';

// The seed's checks, written for a busybox image: its redis check and its two-line Python version check,
// a version pin that this image does not meet, and one that hangs.
const checks = `verify:
  checks:
    - name: redis client
      command: [sh, -c, 'echo "Redis 5.0.1 on $(uname -m)"']
    - name: python version
      command: [sh, -c, 'echo "Python: 3.11.14 (main, Oct 21 2025)"; echo "Machine: $(uname -m)"']
    - name: version pin
      command: [sh, -c, 'echo "Redis 4.0.0 on $(uname -m)"']
      expect: '^Redis 5\\.0\\.1 '
    - name: hangs
      command: [sleep, '600']
      timeout: 3
`;

/**
 * The fixture with one more variant, "x86inside": its arm64 image holds the amd64 busybox (a release
 * tarball downloaded for the wrong arch), so under an arm64 tag it runs x86_64 code, natively.
 */
async function workspace(): Promise<ResolvedConfig> {
  const config = await fixtureWorkspace((y) =>
    y
      .replace(/^image: .*$/m, `image: multiarch-verify-${runTag}`)
      .replace(
        /^variants:[\s\S]*$/m,
        `${checks}variants:\n  redis:\n  x86inside:\n    platforms: [linux/arm64]\n    args: {ROOTFS_SUFFIX: -x86}\n`,
      ),
  );
  const dockerfile = join(config.root, 'Dockerfile');
  const text = await readFile(dockerfile, 'utf8');
  await writeFile(
    dockerfile,
    text.replace('COPY rootfs-${TARGETARCH}/ /', 'ARG ROOTFS_SUFFIX=\nCOPY rootfs-${TARGETARCH}${ROOTFS_SUFFIX}/ /'),
  );
  await cp(join(config.root, 'rootfs-amd64'), join(config.root, 'rootfs-arm64-x86'), {
    recursive: true,
    verbatimSymlinks: true,
  });
  return config;
}

/** The real runner, noting the name of every container a check started. */
function observed(): { run: ToolRunner; names: string[] } {
  const names: string[] = [];
  const run: ToolRunner = (argv, opts) => {
    if (argv[1] === 'run') names.push(argv[argv.indexOf('--name') + 1]!);
    return runTool(argv, opts);
  };
  return { run, names };
}

const statuses = (results: VerifyResult[]) =>
  Object.fromEntries(
    results.map((r) => [
      `${r.variant} ${r.platform}`,
      Object.fromEntries((r.checks ?? []).map((c) => [c.name, c.status])),
    ]),
  );

for (const engine of ['podman', 'docker'] as EngineKind[]) {
  const program = engine === 'podman' ? (env.MULTIARCH_PODMAN ?? 'podman') : docker;

  describe(`verify checks on ${engine}: redis, and an arm64 image that holds x86_64 code`, function () {
    this.timeout(600_000);
    let config: ResolvedConfig;
    let results: VerifyResult[];
    let names: string[];
    const tags: string[] = [];

    before(async () => {
      config = await workspace();
      const plan = buildPlan(config, { engine, output: 'load', canLoadManifestList: engine === 'podman' });
      const summary = await new BuildRunner({ programs: programsFromEnv(env), env, concurrency: 1 }).run(plan, {
        config,
      });
      assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
      tags.push(...new Set(summary.records.map((r) => r.image!)));
      await ResultsStore.forRoot(config.root).append(summary.records);
      const watch = observed();
      results = await verifyBuilds(summary.records, {
        env,
        programs: programsFromEnv(env),
        run: watch.run,
        checksFor: (v) => config.variants.find((x) => x.name === v)?.verifyChecks,
      });
      names = watch.names;
    });

    after(async () => {
      await removeBuiltImages(engine, program, tags);
      if (config) await rm(config.root, { recursive: true, force: true });
    });

    it('passes the redis and two-line checks on both platforms, fails them where arm64 runs x86_64', () => {
      const all = statuses(results);
      assert.deepEqual(
        all,
        {
          'redis linux/amd64': {
            'redis client': 'pass',
            'python version': 'pass',
            'version pin': 'fail',
            hangs: 'fail',
          },
          'redis linux/arm64': {
            'redis client': 'pass',
            'python version': 'pass',
            'version pin': 'fail',
            hangs: 'fail',
          },
          'x86inside linux/arm64': {
            'redis client': 'fail',
            'python version': 'fail',
            'version pin': 'fail',
            hangs: 'fail',
          },
        },
        JSON.stringify(results, null, 2),
      );
      const arm = results.find((r) => r.variant === 'redis' && r.platform === 'linux/arm64')!;
      assert.equal(arm.emulated, true);
      assert.deepEqual(
        arm.checks!.slice(0, 2).map((c) => [c.output, c.machine]),
        [
          ['Redis 5.0.1 on aarch64', 'aarch64'],
          ['Python: 3.11.14 (main, Oct 21 2025)\nMachine: aarch64', 'aarch64'],
        ],
      );
      const wrong = results.find((r) => r.variant === 'x86inside')!;
      assert.equal(wrong.status, 'fail');
      assert.equal(wrong.actual, 'x86_64');
      assert.deepEqual(wrong.checks![0], {
        name: 'redis client',
        status: 'fail',
        output: 'Redis 5.0.1 on x86_64',
        machine: 'x86_64',
        reason: 'expected aarch64, the image reported x86_64',
      });
    });

    it('fails an expect that does not match, showing the output', () => {
      for (const r of results) {
        const pin = r.checks!.find((c) => c.name === 'version pin')!;
        assert.equal(pin.reason, 'output does not match ^Redis 5\\.0\\.1 ');
        assert.match(pin.output, /^Redis 4\.0\.0 on (x86_64|aarch64)$/);
      }
    });

    it('fails a check that sleeps past its timeout and leaves no container behind', async () => {
      for (const r of results) assert.equal(r.checks!.find((c) => c.name === 'hangs')!.reason, 'timed out after 3 s');
      assert.equal(names.length, 12, 'one container per check and cell');
      const left = (await runTool([program, 'ps', '--all', '--format', '{{.Names}}'], { env })).stdout.split('\n');
      assert.deepEqual(
        names.filter((n) => left.includes(n)),
        [],
        `${engine} still has check containers`,
      );
    });

    it('multiarch verify --json: one row per cell carrying checks [{name, status, output}], exit 1 on a failed check', async () => {
      let out = '';
      const io = { cwd: config.root, env, out: (t: string) => void (out += t), err: (t: string) => void (out += t) };
      assert.equal(await runVerifyCli(['--json', '--variant', 'x86inside'], io), 1);
      const rows = JSON.parse(out) as VerifyResult[];
      assert.deepEqual(
        rows.map((r) => [r.variant, r.platform, r.status]),
        [['x86inside', 'linux/arm64', 'fail']],
      );
      assert.deepEqual(
        rows[0]!.checks!.map((c) => [c.name, c.status, c.output]),
        [
          ['redis client', 'fail', 'Redis 5.0.1 on x86_64'],
          ['python version', 'fail', 'Python: 3.11.14 (main, Oct 21 2025)\nMachine: x86_64'],
          ['version pin', 'fail', 'Redis 4.0.0 on x86_64'],
          ['hangs', 'fail', ''],
        ],
      );
      const stored = JSON.parse(await readFile(join(config.root, '.multiarch', 'verify.json'), 'utf8')) as {
        results: VerifyResult[];
      };
      assert.deepEqual(
        stored.results.map((r) => r.checks?.length),
        [4],
      );
    });

    it('multiarch verify that could not save its results (verify.json a folder) shows them, says so and exits 1', async () => {
      const file = join(config.root, '.multiarch', 'verify.json');
      await rm(file, { force: true });
      await mkdir(file);
      try {
        let out = '';
        let err = '';
        const io = { cwd: config.root, env, out: (t: string) => void (out += t), err: (t: string) => void (err += t) };
        assert.equal(await runVerifyCli(['--json', '--variant', 'redis'], io), 1, err);
        assert.deepEqual(
          (JSON.parse(out) as VerifyResult[]).map((r) => [r.platform, r.checks?.[0]?.name, r.checks?.[0]?.status]),
          [
            ['linux/amd64', 'redis client', 'pass'],
            ['linux/arm64', 'redis client', 'pass'],
          ],
        );
        assert.match(err, /multiarch verify: the checks ran but were not saved: cannot read \S+verify\.json: EISDIR/);
      } finally {
        await rm(file, { recursive: true, force: true });
      }
    });

    it('runs checks without network unless a check asks for one', async () => {
      const probe = await verifyBuilds(
        [
          {
            variant: 'redis',
            platform: 'linux/amd64',
            engine,
            output: 'load',
            status: 'succeeded',
            startedAt: new Date().toISOString(),
            durationMs: 0,
            image: results.find((r) => r.platform === 'linux/amd64')!.image!,
          },
        ],
        {
          env,
          programs: programsFromEnv(env),
          checksFor: () => [
            { name: 'isolated', command: ['sh', '-c', 'ls /sys/class/net; uname -m'] },
            { name: 'bridged', command: ['sh', '-c', 'ls /sys/class/net; uname -m'], network: 'bridge' },
          ],
        },
      );
      const [isolated, bridged] = probe[0]!.checks!;
      assert.deepEqual(isolated!.output.split('\n'), ['lo', 'x86_64']);
      assert.ok(bridged!.output.split('\n').includes('eth0'), bridged!.output);
    });
  });
}
