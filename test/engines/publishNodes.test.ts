// One image from two real second engines (the podman API service and the second dockerd setup started,
// each with a store of its own): each builds one platform, then the publish functions push both by
// digest and assemble one index, bring each image into this machine's store, and merge their exports
// into one OCI archive.
import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool } from '../../src/core/engines/exec';
import type { BuildNode } from '../../src/core/nodes/types';
import { exportOci, loadFromNode, mergeOciArchives, publishImage } from '../../src/core/nodes/publish';
import { onNode } from '../../src/core/nodes/endpoint';
import { loadRegistryHosts, RegistryClient } from '../../src/core/registry';
import { baseImage, docker, env, registry, removeRunRepository, runTag, tool } from './helpers';

const podmanNode: BuildNode = {
  name: 'node2-podman',
  engine: 'podman',
  endpoint: env.MULTIARCH_NODE2_PODMAN ?? '',
  platforms: ['linux/arm64'],
  source: 'config',
};
const dockerNode: BuildNode = {
  name: 'node2-docker',
  engine: 'docker',
  endpoint: env.MULTIARCH_NODE2_DOCKER ?? '',
  platforms: ['linux/amd64'],
  source: 'config',
};
const programs = { docker, podman: env.MULTIARCH_PODMAN ?? 'podman' };
const armImage = `localhost/publish-nodes-${runTag}:arm64`;
const amdImage = `publish-nodes-${runTag}:amd64`;

/** Whether `image` is in the store `argv` (an engine, maybe pointed at a node) reads. */
async function inStore(argv: string[], image: string): Promise<boolean> {
  return (await runTool([...argv, 'image', 'inspect', image], { env, timeoutMs: 30_000 })).ok;
}

describe('publishing images built on second nodes (podman arm64 + dockerd amd64)', function () {
  this.timeout(600_000);
  let dir: string;
  const created: string[][] = [];

  before(async function () {
    if (!podmanNode.endpoint || !dockerNode.endpoint) this.skip();
    dir = await mkdtemp(join(tmpdir(), 'publish-nodes-'));
    await writeFile(
      join(dir, 'Dockerfile'),
      `FROM ${baseImage}\nARG TARGETARCH\nRUN echo "built for $TARGETARCH by ${runTag}" > /etc/built\nCMD ["cat", "/etc/built"]\n`,
    );
    // The RUN step runs natively on the docker node and under QEMU on the podman node: real images, real layers.
    // As the runner builds on a podman node: a manifest list (of one platform here) under the variant's tag.
    await tool(
      onNode([programs.podman, 'build', '-q', '--platform', 'linux/arm64', '--manifest', armImage, dir], podmanNode),
      300_000,
    );
    const list = JSON.parse(
      (await tool(onNode([programs.podman, 'manifest', 'inspect', armImage], podmanNode))).stdout,
    ) as { manifests: Array<{ digest: string }> };
    // The instances by image ID, removed after the list (a name@digest no longer resolves once the list is gone).
    created.push(onNode([programs.podman, 'manifest', 'rm', armImage], podmanNode));
    for (const m of list.manifests) {
      const id = (
        await tool(
          onNode(
            [programs.podman, 'image', 'inspect', '--format', '{{.Id}}', `${armImage.split(':')[0]}@${m.digest}`],
            podmanNode,
          ),
        )
      ).stdout.trim();
      created.push(onNode([programs.podman, 'rmi', id], podmanNode));
    }
    const built = await runTool(
      onNode([docker, 'build', '-q', '--platform', 'linux/amd64', '-t', amdImage, dir], dockerNode),
      {
        env: { ...env, DOCKER_BUILDKIT: '1' },
        timeoutMs: 300_000,
      },
    );
    assert.ok(built.ok, built.stderr);
    created.push(onNode([docker, 'rmi', amdImage], dockerNode));
  });

  after(async () => {
    for (const argv of created.reverse()) await runTool(argv, { env, timeoutMs: 60_000 });
    for (const repo of [`${registry}/publish-nodes-${runTag}`, `${registry}/publish-nodes-pull-${runTag}`])
      await removeRunRepository(repo);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('each image is in its node’s store only', async () => {
    assert.ok((await runTool(onNode([programs.podman, 'manifest', 'exists', armImage], podmanNode), { env })).ok);
    assert.ok(
      !(await runTool([programs.podman, 'manifest', 'exists', armImage], { env })).ok,
      'the arm64 image is not in the local podman store',
    );
    assert.ok(await inStore(onNode([docker], dockerNode), amdImage));
    assert.ok(!(await inStore([docker], amdImage)), 'the amd64 image is not in the local dockerd');
  });

  it('push: both nodes push by digest and one index per tag lists both platforms with those digests', async () => {
    const repo = `${registry}/publish-nodes-${runTag}`;
    const client = new RegistryClient(await loadRegistryHosts(env));
    const published = await publishImage(
      client,
      {
        tags: [`${repo}:1.0`, `${repo}:1`],
        parts: [
          { node: podmanNode, image: armImage, platform: 'linux/arm64' },
          { node: dockerNode, image: amdImage, platform: 'linux/amd64' },
        ],
      },
      { env, programs },
    );
    assert.match(published.platforms['linux/arm64'] ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.match(published.platforms['linux/amd64'] ?? '', /^sha256:[0-9a-f]{64}$/);
    for (const tag of ['1.0', '1']) {
      const index = JSON.parse(
        (await tool(['skopeo', 'inspect', '--raw', '--tls-verify=false', `docker://${repo}:${tag}`])).stdout,
      ) as {
        mediaType: string;
        manifests: Array<{ digest: string; platform: { os: string; architecture: string } }>;
      };
      assert.equal(index.mediaType, 'application/vnd.oci.image.index.v1+json');
      assert.deepEqual(
        Object.fromEntries(index.manifests.map((m) => [`${m.platform.os}/${m.platform.architecture}`, m.digest])),
        published.platforms,
      );
    }
    // The node's docker keeps only its own tag: the push tag was removed there.
    const tags = (
      await tool(onNode([docker, 'image', 'inspect', '--format', '{{json .RepoTags}}', amdImage], dockerNode))
    ).stdout;
    assert.deepEqual(JSON.parse(tags), [amdImage]);
  });

  it('load: each image comes into the local store under its per-arch tag, streamed from the node or pulled', async () => {
    const armLocal = `localhost/publish-nodes-${runTag}:loaded-arm64`;
    const amdLocal = `publish-nodes-${runTag}:loaded-amd64`;
    await loadFromNode({ node: podmanNode, image: armImage }, armLocal, { env, programs, platform: 'linux/arm64' });
    created.push([programs.podman, 'rmi', armLocal]);
    assert.equal(
      (await tool([programs.podman, 'image', 'inspect', '--format', '{{.Architecture}}', armLocal])).stdout.trim(),
      'arm64',
    );
    assert.ok(
      !(await inStore([programs.podman], armImage)),
      'the node’s name for the image is not left in the local store',
    );

    await loadFromNode({ node: dockerNode, image: amdImage }, amdLocal, { env, programs });
    created.push([docker, 'rmi', amdLocal]);
    assert.equal(
      (await tool([docker, 'image', 'inspect', '--format', '{{.Architecture}}', amdLocal])).stdout.trim(),
      'amd64',
    );
    assert.ok(!(await inStore([docker], amdImage)));

    // What a node pushed can be pulled instead of streamed.
    const client = new RegistryClient(await loadRegistryHosts(env));
    const repo = `${registry}/publish-nodes-pull-${runTag}`;
    const pushed = await publishImage(
      client,
      { tags: [`${repo}:1`], parts: [{ node: podmanNode, image: armImage, platform: 'linux/arm64' }] },
      { env, programs },
    );
    const pulledTag = `localhost/publish-nodes-${runTag}:pulled-arm64`;
    await loadFromNode({ node: podmanNode, image: armImage }, pulledTag, {
      env,
      programs,
      pull: `${repo}@${pushed.platforms['linux/arm64']}`,
    });
    // By ID: the pull also left the image named by the digest it was pulled by.
    const pulledId = (await tool([programs.podman, 'image', 'inspect', '--format', '{{.Id}}', pulledTag])).stdout;
    created.push([programs.podman, 'rmi', '--force', pulledId.trim()]);
    assert.equal(
      (await tool([programs.podman, 'image', 'inspect', '--format', '{{.Architecture}}', pulledTag])).stdout.trim(),
      'arm64',
    );
  });

  it('oci: the nodes’ exports merge into one OCI archive with one index of both platforms', async () => {
    const arm = join(dir, 'arm64.tar');
    const amd = join(dir, 'amd64.tar');
    await exportOci({ node: podmanNode, image: armImage }, arm, { env, programs, platform: 'linux/arm64' });
    await exportOci({ node: dockerNode, image: amdImage }, amd, { env, programs });
    const out = join(dir, 'out', 'app.tar');
    await mergeOciArchives(
      [
        { platform: 'linux/arm64', archive: arm },
        { platform: 'linux/amd64', archive: amd },
      ],
      out,
    );
    const index = JSON.parse((await tool(['skopeo', 'inspect', '--raw', `oci-archive:${out}`])).stdout) as {
      manifests: Array<{ platform: { architecture: string } }>;
    };
    assert.deepEqual(
      index.manifests.map((m) => m.platform.architecture),
      ['arm64', 'amd64'],
    );
    for (const arch of ['arm64', 'amd64']) {
      const image = JSON.parse(
        (await tool(['skopeo', 'inspect', '--override-arch', arch, `oci-archive:${out}`])).stdout,
      ) as { Architecture: string; Layers: string[] };
      assert.equal(image.Architecture, arch);
      assert.ok(image.Layers.length >= 2, `${arch}: base layer and RUN layer`);
    }
  });
});
