import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, parseConfig } from '../../../src/core/config/loadConfig';
import type { ResolvedConfig } from '../../../src/core/config/types';
import { ciTargets } from '../../../src/core/ci/ciTargets';
import { renderCi } from '../../../src/core/ci/exportCi';
import { bakeFile } from '../../../src/core/engines/buildxBake';
import { buildPlan } from '../../../src/core/matrix/plan';
import { sampleConfig } from '../helpers/sampleConfig';
import { parseHcl, workflowErrors } from './validators';

const repo = resolve(__dirname, '../../..');
const exampleFile = join(repo, 'examples/queue-service/multiarch.yaml');
const snapshots = join(repo, 'test/fixtures/ci');

async function example(): Promise<ResolvedConfig> {
  const r = await loadConfig(exampleFile);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config;
}

function snapshot(name: string, text: string): void {
  const file = join(snapshots, name);
  if (process.env.UPDATE_SNAPSHOTS === '1') writeFileSync(file, text);
  assert.equal(text, readFileSync(file, 'utf8'), `${name} changed; rerun with UPDATE_SNAPSHOTS=1 if that is intended`);
}

interface Include {
  variant: string;
  platforms: string;
  context: string;
  file: string;
  target?: string;
  'build-args': string;
  tags: string;
}

function includes(content: string): Include[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parse } = require('yaml') as typeof import('yaml');
  const wf = parse(content) as { jobs: { build: { strategy: { matrix: { include: Include[] } } } } };
  return wf.jobs.build.strategy.matrix.include;
}

describe('CI export', () => {
  describe('GitHub Actions workflow', () => {
    it("for the example project passes GitHub's workflow parser and matches the snapshot", async () => {
      const exp = renderCi('github', await example());
      assert.equal(exp.path, join(repo, '.github/workflows/multiarch.yml'));
      assert.deepEqual(await workflowErrors(exp.content), []);
      snapshot('queue-service.multiarch.yml', exp.content);
    });

    it('the validator does reject a broken workflow (unknown key, bad context in an expression)', async () => {
      const exp = renderCi('github', await example());
      const broken = exp.content.replace(
        '    runs-on: ubuntu-latest\n',
        '    runs-on: ubuntu-latest\n    run-on: ubuntu-latest\n',
      );
      assert.notEqual(broken, exp.content);
      assert.match((await workflowErrors(broken)).join('\n'), /Unexpected value 'run-on'/);
      const badContext = exp.content.replace('${{ matrix.platforms }}', '${{ matrixx.platforms }}');
      assert.match((await workflowErrors(badContext)).join('\n'), /matrixx/);
    });

    it("has one matrix entry per variant with the plan's platforms, build args and tags, relative to the repository", async () => {
      const config = await example();
      const entries = includes(renderCi('github', config).content);
      const jobs = buildPlan(config, { engine: 'buildx', output: 'push' }).jobs;
      assert.deepEqual(
        entries.map((e) => [e.variant, e.platforms, e.tags.trim().split('\n'), e.context, e.file]),
        jobs.map((j) => [
          j.variant,
          j.platforms.join(','),
          j.tags,
          'examples/queue-service',
          'examples/queue-service/Dockerfile',
        ]),
      );
      assert.deepEqual(entries[1]!['build-args'].trim().split('\n').sort(), [
        'QUEUE_BACKEND=redis',
        'REDIS_VERSION=5.0.1',
      ]);
    });

    it('logs in to ghcr.io with the workflow token, pushes registry tags outside pull requests', async () => {
      const config = sampleConfig('registry: ghcr.io/acme\ntarget: runtime\n');
      const { content } = renderCi('github', config, '/proj/.github/workflows/multiarch.yml');
      assert.deepEqual(await workflowErrors(content), []);
      assert.match(
        content,
        /registry: ghcr\.io\n\s+username: \$\{\{ github\.actor \}\}\n\s+password: \$\{\{ secrets\.GITHUB_TOKEN \}\}/,
      );
      assert.match(content, /packages: write/);
      assert.match(content, /push: \$\{\{ github\.event_name != 'pull_request' \}\}/);
      assert.match(content, /target: runtime/);
      assert.deepEqual(
        includes(content).map((e) => e.tags),
        ['ghcr.io/acme/openhqm:v1-minimal\n', 'ghcr.io/acme/openhqm:v1-redis\n', 'ghcr.io/acme/openhqm:v1-sqs\n'],
      );
      assert.match(content, /cache-from: type=gha,scope=multiarch-\$\{\{ matrix\.variant \}\}/);
    });

    it('logs in to another registry with repository secrets; without a registry it never pushes', async () => {
      const other = renderCi(
        'github',
        sampleConfig('registry: registry.example.com:5000/team\n'),
        '/proj/w.yml',
      ).content;
      assert.deepEqual(await workflowErrors(other), []);
      assert.match(other, /registry: registry\.example\.com:5000\n\s+username: \$\{\{ secrets\.REGISTRY_USERNAME \}\}/);
      assert.doesNotMatch(other, /packages: write/);
      const none = renderCi('github', sampleConfig(), '/proj/w.yml').content;
      assert.doesNotMatch(none, /login-action/);
      assert.match(none, /push: false/);
    });

    it('keeps hostile build-arg values as data, and refuses a line break or an expression GitHub would act on', async () => {
      const config = sampleConfig('args: { EVIL: "${X} $(touch pwned) `id` \'q\' #c" }\n');
      const { content } = renderCi('github', config, '/proj/w.yml');
      assert.deepEqual(await workflowErrors(content), []);
      const buildArgs = includes(content)[0]!['build-args'];
      assert.deepEqual(
        buildArgs.split('\n').filter((l) => l.startsWith('EVIL')),
        ["EVIL=${X} $(touch pwned) `id` 'q' #c"],
      );
      const split = sampleConfig('args: { EVIL: "x\\nY=injected" }\n');
      assert.throws(() => renderCi('github', split, '/proj/w.yml'), /build arg EVIL of minimal has a line break/);
      // GitHub's own parser reads `${{ … }}` in the matrix as an expression, github.token in reach.
      const token = sampleConfig('args: { EVIL: "${{ github.token }}" }\n');
      assert.throws(() => renderCi('github', token, '/proj/w.yml'), /build arg EVIL of minimal has "\$\{\{"/);
    });
  });

  describe('bake file', () => {
    it('for the example project parses as HCL and matches the snapshot', async () => {
      const exp = renderCi('bake', await example());
      assert.equal(exp.path, join(repo, 'examples/queue-service/docker-bake.hcl'));
      await parseHcl(exp.content);
      snapshot('queue-service.docker-bake.hcl', exp.content);
    });

    it('the HCL parser does reject a broken file', async () => {
      const exp = renderCi('bake', await example());
      await assert.rejects(parseHcl(exp.content.replace('platforms  = item.platforms', 'platforms  = ')));
    });

    it('its matrix items are the targets Build All bakes (same platforms, args, tags, target)', async () => {
      const parsed = parseConfig(
        'image: app\ntarget: runtime\nvariantArg: KIND\nplatforms: [linux/amd64, linux/arm64]\nvariants:\n  minimal: {}\n  redis.v5: { args: { REDIS_VERSION: "5.0.1" }, target: cache, platforms: [linux/arm64] }\n',
        '/proj/multiarch.yaml',
      );
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
      const config = parsed.config;
      const { content } = renderCi('bake', config, '/proj/docker-bake.hcl');
      const json = (await parseHcl(content)) as {
        target: Record<string, { matrix: { item: Record<string, unknown>[] }; name: string }[]>;
      };
      const block = json.target.multiarch![0]!;
      const buildAll = bakeFile(config, config.variants, { output: 'push' }).target;
      assert.deepEqual(
        block.matrix.item.map((i) => [i.name, i.platforms, i.args, i.tags, i.target]),
        Object.entries(buildAll).map(([name, t]) => [name, t.platforms, t.args, t.tags, t.target]),
      );
      assert.deepEqual(
        block.matrix.item.map((i) => [i.context, i.dockerfile]),
        [
          ['.', 'Dockerfile'],
          ['.', 'Dockerfile'],
        ],
      );
    });

    it('escapes HCL template sequences in values, so a value is never read as a template', async () => {
      const config = sampleConfig('args: { A: "${HOME} %{ if x }" }\n');
      const { content } = renderCi('bake', config, '/proj/docker-bake.hcl');
      assert.match(content, /"A" = "\$\$\{HOME\} %%\{ if x \}"/);
      await parseHcl(content);
      // unescaped, `%{ if x }` opens a template directive that never ends: the parser must refuse it
      await assert.rejects(parseHcl(content.replace('%%{', '%{')), /endif|directive|if/i);
    });
  });

  it('CI targets come from the plan: one per variant, in config order', async () => {
    assert.deepEqual(
      ciTargets(await example()).map((t) => [t.variant, t.platforms]),
      [
        ['minimal', ['linux/amd64', 'linux/arm64']],
        ['redis', ['linux/amd64', 'linux/arm64']],
        ['sqs', ['linux/amd64']],
      ],
    );
  });
});
