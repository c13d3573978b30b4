// Real podman and dockerd: `verify --static` reads each platform's layers (OCI archive, podman save,
// docker save, registry blobs) without running them and names a foreign binary that `uname -m` cannot see.
import { strict as assert } from 'node:assert';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildRunner } from '../../src/core/build/runner';
import type { ResolvedConfig } from '../../src/core/config/types';
import { programsFromEnv } from '../../src/core/engines/detect';
import { buildPlan } from '../../src/core/matrix/plan';
import type { EngineKind, OutputMode } from '../../src/core/jobs';
import type { BuildRecord } from '../../src/core/results/types';
import { verifyBuilds } from '../../src/core/verify/runVerify';
import { staticVerify } from '../../src/core/verify/static/staticVerify';
import { docker, env, fixtureWorkspace, registry, removeBuiltImages, runTag } from './helpers';

/** The fixture, plus a tool downloaded for the wrong arch: every platform gets the amd64 busybox. */
async function workspace(): Promise<ResolvedConfig> {
  const config = await fixtureWorkspace(
    (y) => `${y.replace(/^image: .*$/m, `image: multiarch-static-${runTag}`)}registry: ${registry}\n`,
  );
  const dockerfile = join(config.root, 'Dockerfile');
  const text = await readFile(dockerfile, 'utf8');
  await writeFile(dockerfile, text.replace(/^CMD /m, 'COPY rootfs-amd64/bin/busybox /usr/local/bin/tool\nCMD '));
  return config;
}

const cases: Array<{ engine: EngineKind; output: OutputMode; source: string }> = [
  { engine: 'podman', output: 'oci', source: 'oci-archive' },
  { engine: 'podman', output: 'load', source: 'local' },
  { engine: 'docker', output: 'load', source: 'local' },
  { engine: 'podman', output: 'push', source: 'registry' },
];

for (const { engine, output, source } of cases) {
  describe(`verify --static on ${engine} (${output}): an arm64 image holding an amd64 tool`, function () {
    this.timeout(600_000);
    let config: ResolvedConfig;
    let records: BuildRecord[];
    const program = engine === 'podman' ? (env.MULTIARCH_PODMAN ?? 'podman') : docker;

    before(async () => {
      config = await workspace();
      const plan = buildPlan(config, {
        engine,
        output,
        variants: ['minimal'],
        canLoadManifestList: engine === 'podman',
      });
      const summary = await new BuildRunner({ programs: programsFromEnv(env), env, concurrency: 1 }).run(plan, {
        config,
      });
      assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
      records = summary.records;
    });

    after(async () => {
      await removeBuiltImages(engine, program, records?.map((r) => r.image).filter((i): i is string => !!i) ?? []);
      if (config) await rm(config.root, { recursive: true, force: true });
    });

    it('fails arm64 naming /usr/local/bin/tool, passes amd64, while uname -m passes on both', async () => {
      const cells = await staticVerify(records, { root: config.root, env, programs: programsFromEnv(env) });
      assert.deepEqual(
        cells.map((c) => [c.platform, c.status, c.source, c.mismatches]),
        [
          ['linux/amd64', 'pass', source, []],
          ['linux/arm64', 'fail', source, [{ path: '/usr/local/bin/tool', machine: 'x86-64' }]],
        ],
        JSON.stringify(cells, null, 2),
      );
      for (const c of cells) {
        assert.ok(c.checked >= 2, `${c.platform}: busybox and the tool are ELF files (${c.checked})`);
        // CMD /bin/uname is a symlink to the platform's busybox.
        assert.deepEqual(c.entrypoint, {
          command: '/bin/uname',
          path: '/bin/busybox',
          machine: c.platform === 'linux/amd64' ? 'x86-64' : 'aarch64',
        });
      }
      if (output === 'load') {
        const ran = await verifyBuilds(records, { env, programs: programsFromEnv(env) });
        assert.deepEqual(
          ran.map((r) => [r.platform, r.status, r.actual]),
          [
            ['linux/amd64', 'pass', 'x86_64'],
            ['linux/arm64', 'pass', 'aarch64'],
          ],
        );
      }
    });
  });
}
