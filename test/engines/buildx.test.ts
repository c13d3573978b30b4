// A real docker buildx and BuildKit builder (found through $MULTIARCH_BUILDX_CONFIG, see buildxEnv.ts and
// README.md): every output mode × Build All / Build Variant / Build This Platform through the
// CLI as a user runs it, each followed by what a user looks at next: sizes, the static check, Compare
// Architectures, the Build Timeline's timings and the report. Skipped, with the reason, without buildx.
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedConfig } from '../../src/core/config/types';
import type { OutputMode } from '../../src/core/jobs';
import type { BuildRecord } from '../../src/core/results/types';
import { runTool } from '../../src/core/engines/exec';
import { baseImage, docker, registry, removeRunRepository, runTag } from './helpers';
import { multiarch, queueServicePushing, requireBuildx, type Buildx } from './buildxEnv';

interface BuildJson {
  ok: boolean;
  records: BuildRecord[];
  problems: Array<{ message: string; file?: string; line?: number }>;
}

const scopes = [
  { name: 'Build All', args: [], cells: 8 },
  { name: 'Build Variant', args: ['--variant', 'kafka'], cells: 2 },
  { name: 'Build This Platform', args: ['--variant', 'redis', '--platform', 'linux/arm64'], cells: 1 },
];
const sources: Record<OutputMode, string> = { load: 'local', push: 'registry', oci: 'oci-archive' };
const staticSources: Record<OutputMode, string> = { load: 'local', push: 'registry', oci: 'oci-archive' };

describe('docker buildx (real buildx + BuildKit): each output mode × Build All / Variant / This Platform', function () {
  this.timeout(900_000);
  let bx: Buildx;
  let config: ResolvedConfig;
  const image = `queue-service-${runTag}`;
  const loaded = new Set<string>();

  before(async function () {
    bx = await requireBuildx(this);
    config = await queueServicePushing(image);
  });

  after(async () => {
    if (!config) return;
    for (const tag of loaded) await runTool([docker, 'rmi', tag], { env: bx.env });
    await removeRunRepository(`${registry}/${image}`);
    await rm(config.root, { recursive: true, force: true });
  });

  const cli = async (args: string[]) => {
    const r = await multiarch(config.root, args, bx.env);
    return { ...r, stdout: String(r.stdout), stderr: String(r.stderr) };
  };

  for (const output of ['load', 'push', 'oci'] as OutputMode[]) {
    for (const scope of scopes) {
      it(`${output}: ${scope.name}, then sizes, verify --static, sizes --compare, timings and report`, async () => {
        const built = await cli(['build', ...scope.args, '--output', output, '--engine', 'buildx', '--json']);
        assert.equal(built.exitCode, 0, built.stderr.slice(-3000));
        const result = JSON.parse(built.stdout) as BuildJson;
        // Noted before any check, so a failed one still removes what the build loaded.
        if (output === 'load') for (const r of result.records) if (r.image) loaded.add(r.image);
        assert.equal(result.records.length, scope.cells);
        assert.ok(result.records.every((r) => r.status === 'succeeded' && r.engine === 'buildx'));
        // Build All pushing amd64 + arm64 on an amd64 machine: one build per variant and platform, each pushed
        // by digest; otherwise one bake.
        if (scope.name === 'Build All' && output === 'push') {
          assert.doesNotMatch(built.stderr, /\$ \S*docker buildx bake /);
          assert.equal(
            built.stderr.match(/\$ \S*docker buildx build --platform linux\/(amd64|arm64) .*push-by-digest=true/g)
              ?.length,
            8,
          );
        } else if (scope.name === 'Build All') assert.match(built.stderr, /\$ \S*docker buildx bake /);
        // The builder the build ran on is recorded with its BuildKit version (the report's Builder line).
        const builder = result.records[0]!.builder;
        assert.ok(builder?.startsWith(`${bx.builder.name} (`), `builder recorded: ${builder}`);
        assert.match(builder!, /BuildKit v\d+\.\d+/);
        for (const r of result.records) {
          if (output === 'oci') assert.ok(existsSync(r.ociPath!), `${r.ociPath} written`);
          // Each cell's seconds are its own steps', and never fewer than any one of its steps took.
          assert.ok(r.timing?.steps.length, `${r.variant}@${r.platform} has steps`);
          const longest = Math.max(...r.timing!.steps.map((s) => s.seconds));
          assert.ok(r.timing!.seconds >= longest, `${r.variant}@${r.platform}: ${r.timing!.seconds} < ${longest}`);
          // A cell built alone keeps the wall time of its build (export included).
          // (Load mode into the classic store builds a variant's platforms as separate jobs.)
          const oneProcess = scope.name === 'Build All' || (scope.cells > 1 && output !== 'load');
          if (oneProcess) assert.equal(r.durationMs, Math.round(r.timing!.seconds * 1000));
          else assert.ok(r.durationMs >= r.timing!.seconds * 1000);
        }
        const cells = result.records.map((r) => `${r.variant}@${r.platform}`).sort();
        const variants = [...new Set(result.records.map((r) => r.variant))];
        const only = variants.flatMap((v) => ['--variant', v]);

        // Building one platform in push or OCI mode after Build All keeps the other platform's result: the
        // variant's index still lists it (push), its archive is still there (OCI), and sizes, the static check
        // and the comparison read both platforms.
        const onePlatform = scope.name === 'Build This Platform' && output !== 'load';
        const wantCells = onePlatform
          ? config.variants
              .find((v) => v.name === variants[0])!
              .platforms.map((p) => `${variants[0]}@${p}`)
              .sort()
          : cells;
        // Each variant's tag is an index of both platforms: kept when one was built alone, put together from
        // the two pushes by digest when Build All split them.
        if (output === 'push' && (onePlatform || scope.name === 'Build All')) {
          for (const tag of new Set(result.records.map((r) => r.image!.split('@')[0]!))) {
            const index = await runTool([docker, 'buildx', 'imagetools', 'inspect', '--raw', tag], { env: bx.env });
            assert.ok(index.ok, index.stderr);
            const { manifests } = JSON.parse(index.stdout) as {
              manifests: Array<{
                digest: string;
                platform: { architecture: string };
                annotations?: Record<string, string>;
              }>;
            };
            const attested = (m: (typeof manifests)[number]) => m.annotations?.['vnd.docker.reference.digest'];
            const images = manifests.filter((m) => !attested(m));
            assert.deepEqual(images.map((m) => m.platform.architecture).sort(), ['amd64', 'arm64'], tag);
            // The provenance buildx pushed beside each image stays beside it in the index.
            for (const m of manifests.filter(attested))
              assert.ok(
                images.some((i) => i.digest === attested(m)),
                `${tag}: ${m.digest} attests an image listed`,
              );
            if (scope.name === 'Build All') assert.notEqual(manifests.filter(attested).length, 1, tag);
          }
        }
        const sizes = await cli(['sizes', ...only, '--json']);
        assert.equal(sizes.exitCode, 0, sizes.stdout + sizes.stderr);
        const rows = (
          JSON.parse(sizes.stdout) as Array<{
            variant: string;
            platform: string;
            source: string;
            compressed: number | null;
            uncompressed: number | null;
            error?: string;
          }>
        ).filter((r) => wantCells.includes(`${r.variant}@${r.platform}`));
        assert.equal(rows.length, wantCells.length);
        for (const row of rows) {
          assert.equal(row.error, undefined, JSON.stringify(row));
          assert.equal(row.source, sources[output], JSON.stringify(row));
          // The classic store knows the unpacked size only; an archive or a registry the compressed one.
          assert.ok((output === 'load' ? row.uncompressed : row.compressed)! > 0, JSON.stringify(row));
        }

        const verified = await cli(['verify', '--static', ...only, '--json']);
        assert.equal(verified.exitCode, 0, verified.stdout + verified.stderr);
        const checked = (
          JSON.parse(verified.stdout) as {
            cells: Array<{ variant: string; platform: string; status: string; source: string; checked: number }>;
          }
        ).cells.filter((c) => wantCells.includes(`${c.variant}@${c.platform}`));
        assert.equal(checked.length, wantCells.length);
        for (const c of checked) {
          assert.equal(c.status, 'pass', JSON.stringify(c));
          assert.equal(c.source, staticSources[output]);
          assert.ok(c.checked > 0);
        }

        const compared = await cli(['sizes', '--compare', ...only, '--json']);
        assert.equal(compared.exitCode, 0, compared.stdout + compared.stderr);
        const comparisons = JSON.parse(compared.stdout) as Array<{
          variant: string;
          platforms: string[];
          errors?: Array<{ platform: string }>;
        }>;
        for (const v of variants) {
          const c = comparisons.find((x) => x.variant === v);
          const built = wantCells.filter((id) => id.startsWith(`${v}@`)).map((id) => id.split('@')[1]!);
          assert.ok(c && !c.errors?.length, JSON.stringify(c));
          assert.ok(
            built.every((p) => c.platforms.includes(p)),
            JSON.stringify(c),
          );
        }

        const timings = await cli(['timings', ...only, '--json']);
        assert.equal(timings.exitCode, 0, timings.stderr);
        const timed = JSON.parse(timings.stdout) as {
          cells: Array<{ variant: string; platform: string; seconds: number; steps: Array<{ seconds: number }> }>;
        };
        for (const cell of cells) {
          const t = timed.cells.find((c) => `${c.variant}@${c.platform}` === cell);
          assert.ok(t && t.steps.length, `timings for ${cell}`);
        }

        const report = await cli(['report']);
        assert.equal(report.exitCode, 0, report.stderr);
        assert.match(report.stdout, new RegExp(`\\*\\*Builder:\\*\\* ${bx.builder.name} \\(`));
        assert.doesNotMatch(report.stdout, /\*\*Builder:\*\* not measured/);
      });
    }
  }

  it('oci: sizes and the static check read the archives Build All wrote, not a same-named image in dockerd', async () => {
    // Another project's image under the variant's tag, in the store the load mode would read.
    const decoy = `${image}:${config.tag}-minimal`;
    const tagged = await runTool([docker, 'tag', baseImage, decoy], { env: bx.env });
    if (!tagged.ok) {
      const pulled = await runTool([docker, 'pull', baseImage], { env: bx.env, timeoutMs: 120_000 });
      assert.ok(pulled.ok, pulled.stderr);
      assert.ok((await runTool([docker, 'tag', baseImage, decoy], { env: bx.env })).ok);
    }
    loaded.add(decoy);
    const built = await cli(['build', '--all', '--output', 'oci', '--engine', 'buildx', '--json']);
    assert.equal(built.exitCode, 0, built.stderr.slice(-3000));
    const archive = join(config.root, '.multiarch', 'out', 'minimal.tar');
    const records = (JSON.parse(built.stdout) as BuildJson).records.filter((r) => r.variant === 'minimal');
    assert.deepEqual(
      records.map((r) => r.ociPath),
      [archive, archive],
    );
    const rows = JSON.parse((await cli(['sizes', '--variant', 'minimal', '--json'])).stdout) as Array<{
      source: string;
      error?: string;
    }>;
    assert.deepEqual(
      rows.map((r) => [r.source, r.error]),
      [
        ['oci-archive', undefined],
        ['oci-archive', undefined],
      ],
    );
    const verified = JSON.parse((await cli(['verify', '--static', '--variant', 'minimal', '--json'])).stdout) as {
      cells: Array<{ source: string; status: string }>;
    };
    assert.deepEqual(
      verified.cells.map((c) => [c.source, c.status]),
      [
        ['oci-archive', 'pass'],
        ['oci-archive', 'pass'],
      ],
    );
  });
});
