import * as assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { run } from '../../../src/cli/commands/plan';
import { prepareBuild } from '../../../src/core/build/prepare';
import { loadConfig } from '../../../src/core/config/loadConfig';
import { runCli } from '../helpers/cliIO';

const example = resolve(__dirname, '../../../examples/queue-service/multiarch.yaml');

const plan = (args: string[], cwd = process.cwd()) => runCli(run, { args, cwd });

interface PlanJson {
  engine: string;
  jobs: { variant: string; platforms: string[]; tags: string[]; argv: string[] }[];
}

describe('multiarch plan', () => {
  it('--json with buildx and --variant lists one build per variant with platforms, tags and argv', async () => {
    const r = await plan([
      '--config',
      example,
      '--json',
      '--engine',
      'buildx',
      '--output',
      'push',
      '--variant',
      'minimal',
      '--variant',
      'redis',
      '--variant',
      'sqs',
    ]);
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out) as PlanJson;
    assert.equal(json.engine, 'buildx');
    assert.deepEqual(
      json.jobs.map((j) => [j.variant, j.platforms]),
      [
        ['minimal', ['linux/amd64', 'linux/arm64']],
        ['redis', ['linux/amd64', 'linux/arm64']],
        ['sqs', ['linux/amd64']],
      ],
    );
    assert.deepEqual(json.jobs[1]!.tags, ['openhqm:v1-redis']);
    assert.deepEqual(json.jobs[1]!.argv.slice(0, 5), [
      'docker',
      'buildx',
      'build',
      '--platform',
      'linux/amd64,linux/arm64',
    ]);
  });

  it('--all with buildx shows the one `docker buildx bake` that Build All runs, bake file included', async () => {
    const r = await plan(['--config', example, '--json', '--engine', 'buildx', '--all']);
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out) as PlanJson & { jobs: { files?: Record<string, string> }[] };
    const config = await loadConfig(example);
    assert.ok(config.ok);
    // What the editor's Build All and `multiarch build` prepare, with every check passing.
    const build = await prepareBuild(config.config, {
      mode: 'build',
      engine: 'buildx',
      choose: async () => ({
        ok: true,
        engine: { kind: 'buildx', version: '0.12.0', reason: 'test', canLoadManifestList: false },
      }),
      support: async (_e, platforms) => ({
        host: 'linux/amd64',
        availability: platforms.map((platform) => ({ platform, state: 'native' as const })),
      }),
      reachable: async () => ({ ok: true }),
      stateProblem: async () => undefined,
    });
    const root = dirname(example);
    assert.deepEqual(
      json.jobs.map((j) => j.argv),
      build.plan.jobs.map((j) => j.argv),
    );
    assert.deepEqual(json.jobs[0]!.argv, [
      'docker',
      'buildx',
      'bake',
      '-f',
      join(root, '.multiarch/docker-bake.json'),
      '--metadata-file',
      join(root, '.multiarch/metadata/bake.json'),
      'all',
    ]);
    assert.deepEqual(json.jobs[0]!.files, build.plan.jobs[0]!.files);
    const text = await plan(['--config', example, '--engine', 'buildx']);
    assert.match(text.out, /^cat > \S+docker-bake\.json <<'EOF'$/m);
    assert.match(text.out, /^docker buildx bake -f \S+ --metadata-file \S+ all$/m);
  });

  it('prints shell-quoted command lines by default', async () => {
    const r = await plan(['--config', example, '--engine', 'podman', '--variant', 'sqs']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^# engine: podman \(chosen explicitly\)$/m);
    assert.match(
      r.out,
      /^podman build --platform linux\/amd64 --manifest (openhqm:multiarch-tmp-\w+) .*--build-arg QUEUE_BACKEND=sqs /m,
    );
    assert.match(r.out, /^podman tag openhqm:multiarch-tmp-\w+ openhqm:v1-sqs$/m);
  });

  it('exits 2 with a located message on a bad config', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plan-'));
    const file = join(dir, 'multiarch.yaml');
    await writeFile(file, 'image: app\nvariants:\n  "$(touch pwned)": {}\n');
    const r = await plan(['--config', file, '--engine', 'buildx']);
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    assert.match(
      r.err,
      new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3:3: error: variant name "\\$\\(touch pwned\\)" is not allowed`,
      ),
    );
  });

  it('quotes hostile values so the printed line is inert when pasted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plan-'));
    const file = join(dir, 'multiarch.yaml');
    await writeFile(file, 'image: app\nargs: { EVIL: "$(touch pwned); echo \'hi\'" }\n');
    const r = await plan(['--config', file, '--engine', 'podman', '--output', 'push']);
    assert.equal(r.code, 0, r.err);
    assert.ok(r.out.includes(`--build-arg 'EVIL=$(touch pwned); echo '\\''hi'\\'''`), r.out);
  });

  it('exits 2 with the known variants for an unknown --variant, and for an unknown flag', async () => {
    const r = await plan(['--config', example, '--engine', 'buildx', '--variant', 'kafka']);
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown variant "kafka"; the config defines: minimal, redis, sqs/);
    const bad = await plan(['--frobnicate']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /Unknown option '--frobnicate'/);
  });

  it('falls back to the Dockerfile in the current folder without a config', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'My App-'));
    await writeFile(join(dir, 'Dockerfile'), 'FROM scratch\n');
    const r = await plan(['--json', '--engine', 'docker'], dir);
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out) as PlanJson;
    assert.deepEqual(
      json.jobs.map((j) => [j.variant, j.platforms]),
      [
        ['default', ['linux/amd64']],
        ['default', ['linux/arm64']],
      ],
    );
  });
});
