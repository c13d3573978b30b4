// A whole run with a build node, per output mode: the config gives the second engine (podman API service
// or second dockerd, each with its own store) linux/arm64; this machine builds linux/amd64. After the run,
// the variant's image is where its output says: one registry index with both platforms (the node's entry
// the digest the node pushed), one OCI archive with both, or both images in this machine's store.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { BuildRunner } from '../../src/core/build/runner';
import type { ResolvedConfig } from '../../src/core/config/types';
import { programsFromEnv } from '../../src/core/engines/detect';
import { runTool } from '../../src/core/engines/exec';
import { parseManifestList } from '../../src/core/engines/podmanOutput';
import { platformTag, variantTags } from '../../src/core/engines/references';
import type { Job } from '../../src/core/jobs';
import type { BuildRecord } from '../../src/core/results/types';
import { ociArchivePath } from '../../src/core/engines/paths';
import { buildPlan } from '../../src/core/matrix/plan';
import { onNode } from '../../src/core/nodes/endpoint';
import { pushTag } from '../../src/core/nodes/publish';
import type { BuildNode } from '../../src/core/nodes/types';
import { nameOf, parseReference } from '../../src/core/reference';
import { env, projectWorkspace, registry, removeBuiltImages, tool } from './helpers';

const programs = programsFromEnv(env);
const endpoints = { podman: env.MULTIARCH_NODE2_PODMAN, docker: env.MULTIARCH_NODE2_DOCKER };

interface RawIndex {
  mediaType: string;
  manifests: Array<{ digest: string; platform: { os: string; architecture: string } }>;
}

/** The node's images a run left in its store, removed by what they are (podman: the list, then its instances by ID). */
async function removeNodeImages(node: BuildNode, tags: string[]): Promise<void> {
  const run = (argv: string[]) => runTool(onNode(argv, node), { env, timeoutMs: 60_000 });
  for (const tag of tags) {
    if (node.engine === 'docker') {
      await run([programs.docker, 'rmi', tag]);
      continue;
    }
    const listed = await run([programs.podman, 'manifest', 'inspect', tag]);
    const ids: string[] = [];
    for (const e of listed.ok ? parseManifestList(listed.stdout) : []) {
      const id = await run([
        programs.podman,
        'image',
        'inspect',
        '--format',
        '{{.Id}}',
        `${nameOf(parseReference(tag))}@${e.digest}`,
      ]);
      if (id.ok) ids.push(id.stdout.trim());
    }
    if (!(await run([programs.podman, 'manifest', 'rm', tag])).ok) await run([programs.podman, 'rmi', tag]);
    for (const id of ids) await run([programs.podman, 'rmi', id]);
  }
}

for (const engine of ['podman', 'docker'] as const) {
  describe(`build nodes: output from a ${engine} node (linux/arm64) and this machine (linux/amd64)`, function () {
    this.timeout(600_000);
    const local: string[] = [];
    const remote: Array<{ node: BuildNode; tags: string[] }> = [];
    const roots: string[] = [];

    before(function () {
      if (!endpoints[engine]) this.skip();
    });

    after(async () => {
      await removeBuiltImages(engine, programs[engine], local);
      for (const r of remote) await removeNodeImages(r.node, r.tags);
      for (const root of roots) await rm(root, { recursive: true, force: true });
    });

    async function run(
      output: 'push' | 'load' | 'oci',
    ): Promise<{ config: ResolvedConfig; jobs: Job[]; records: BuildRecord[] }> {
      const config = await projectWorkspace(
        'shared-base',
        undefined,
        (yaml) =>
          `${yaml.replace(/^image: .*$/m, `image: publish-${engine}-${output}`)}registry: ${registry}\nnodes:\n  - { name: node2, engine: ${engine}, endpoint: "${endpoints[engine]}", platforms: [linux/arm64] }\n`,
      );
      roots.push(config.root);
      const plan = buildPlan(config, {
        engine,
        output,
        variants: ['minimal'],
        canLoadManifestList: engine === 'podman',
      });
      local.push(
        ...plan.jobs.filter((j) => !j.node).flatMap((j) => [...j.tags, ...Object.values(j.platformTags ?? {})]),
        // dockerd's jobs push per-platform tags only; the variant's index is made after them, under its own tag.
        ...(output === 'push'
          ? variantTags(
              config,
              config.variants.find((v) => v.name === 'minimal')!,
              true,
            )
          : []),
      );
      remote.push({ node: config.nodes[0]!, tags: plan.jobs.filter((j) => j.node).flatMap((j) => j.tags) });
      const summary = await new BuildRunner({ programs, env, concurrency: 2 }).run(plan, { config });
      assert.equal(summary.ok, true, JSON.stringify(summary.outcomes.map((o) => o.problem)));
      assert.deepEqual(
        summary.records.map((r) => [r.platform, r.status, r.node ?? 'local']),
        [
          ['linux/amd64', 'succeeded', 'local'],
          ['linux/arm64', 'succeeded', 'node2'],
        ],
      );
      return { config, jobs: plan.jobs, records: summary.records };
    }

    it('push: one index under the variant tag lists both platforms, the arm64 entry the digest the node pushed', async () => {
      const { config, jobs } = await run('push');
      const variant = config.variants.find((v) => v.name === 'minimal')!;
      const [tag] = variantTags(config, variant, true);
      const index = JSON.parse(
        (await tool(['skopeo', 'inspect', '--raw', '--tls-verify=false', `docker://${tag}`])).stdout,
      ) as RawIndex;
      assert.equal(index.mediaType, 'application/vnd.oci.image.index.v1+json');
      const byPlatform = Object.fromEntries(
        index.manifests.map((m) => [`${m.platform.os}/${m.platform.architecture}`, m.digest]),
      );
      assert.deepEqual(Object.keys(byPlatform).sort(), ['linux/amd64', 'linux/arm64']);
      // What the node pushed, read back from the registry under the tag it pushed to.
      const nodeJob = jobs.find((j) => j.node)!;
      const pushedRef = pushTag(
        config.nodes[0]!,
        nodeJob.platformTags?.['linux/arm64'] ?? nodeJob.tags[0]!,
        nameOf(parseReference(tag!)),
      );
      const pushed = (await tool(['skopeo', 'inspect', '--raw', '--tls-verify=false', `docker://${pushedRef}`])).stdout;
      assert.equal(byPlatform['linux/arm64'], `sha256:${createHash('sha256').update(pushed).digest('hex')}`);
      for (const [platform, digest] of Object.entries(byPlatform)) {
        const config = JSON.parse(
          (
            await tool([
              'skopeo',
              'inspect',
              '--config',
              '--raw',
              '--tls-verify=false',
              `docker://${nameOf(parseReference(tag!))}@${digest}`,
            ])
          ).stdout,
        ) as { architecture: string };
        assert.equal(`linux/${config.architecture}`, platform);
      }
    });

    it('load: the node’s arm64 image comes into this machine’s store under its per-arch tag', async () => {
      const { config } = await run('load');
      const variant = config.variants.find((v) => v.name === 'minimal')!;
      const armTag = platformTag(config, variant, 'linux/arm64');
      local.push(armTag);
      const arch = await tool([programs[engine], 'image', 'inspect', '--format', '{{.Architecture}}', armTag]);
      assert.equal(arch.stdout.trim(), 'arm64');
    });

    it('oci: the variant’s archive holds both platforms under one index', async () => {
      const { config, records } = await run('oci');
      const archive = ociArchivePath(config.root, 'minimal');
      assert.deepEqual(
        records.map((r) => r.ociPath),
        [archive, archive],
      );
      const index = JSON.parse(
        (await tool(['skopeo', 'inspect', '--raw', `oci-archive:${archive}`])).stdout,
      ) as RawIndex;
      assert.deepEqual(index.manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`).sort(), [
        'linux/amd64',
        'linux/arm64',
      ]);
    });
  });
}
