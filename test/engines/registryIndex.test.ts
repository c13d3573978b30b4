// The index assembly against the real local registry: podman pushes an arm64 image and dockerd an amd64
// one to the same repository, each telling its digest in its own way; assembleIndex puts one OCI index
// over them, and skopeo and podman read it back with both platforms at those digests.
import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assembleIndex, loadRegistryHosts, RegistryClient } from '../../src/core/registry';
import { baseImage, docker, env, registry, removeRunRepository, runTag, tool } from './helpers';

describe('assembleIndex on the real registry (podman arm64 + dockerd amd64 parts)', function () {
  this.timeout(300_000);
  const repo = `${registry}/publish-index-${runTag}`;
  const podmanTag = `${repo}:part-arm64`;
  const dockerTag = `${repo}:part-amd64`;
  let dir: string;
  const digests: Record<string, string> = {};

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'publish-index-'));
    await writeFile(
      join(dir, 'Dockerfile'),
      `FROM ${baseImage}\nARG TARGETARCH\nCOPY greeting /etc/greeting\nCMD ["cat", "/etc/greeting"]\n`,
    );
    await writeFile(join(dir, 'greeting'), `built for ${runTag}\n`);
    await tool(['podman', 'build', '-q', '--platform', 'linux/arm64', '-t', podmanTag, dir], 120_000);
    await tool(
      ['podman', 'push', '-q', '--tls-verify=false', '--digestfile', join(dir, 'arm64.digest'), podmanTag],
      120_000,
    );
    digests['linux/arm64'] = (await readFile(join(dir, 'arm64.digest'), 'utf8')).trim();
    await tool([docker, 'build', '-q', '--platform', 'linux/amd64', '-t', dockerTag, dir], 120_000);
    const pushed = (await tool([docker, 'push', dockerTag], 120_000)).stdout;
    // docker push ends with "<tag>: digest: sha256:… size: N".
    digests['linux/amd64'] =
      /: digest: (sha256:[0-9a-f]{64}) size: \d+/.exec(pushed)?.[1] ??
      assert.fail(`no digest in docker push output:\n${pushed}`);
  });

  after(async () => {
    await tool(['podman', 'rmi', podmanTag]).catch(() => undefined);
    await tool([docker, 'rmi', dockerTag]).catch(() => undefined);
    await removeRunRepository(repo);
    await rm(dir, { recursive: true, force: true });
  });

  it('puts one index under the tag that skopeo and podman read back with both platforms and digests', async () => {
    const client = new RegistryClient(await loadRegistryHosts(env));
    const { digest } = await assembleIndex(client, `${repo}:1.0`, [
      { platform: 'linux/amd64', digest: digests['linux/amd64']! },
      { platform: 'linux/arm64', digest: digests['linux/arm64']! },
    ]);

    const raw = (await tool(['skopeo', 'inspect', '--raw', '--tls-verify=false', `docker://${repo}:1.0`])).stdout;
    const index = JSON.parse(raw) as {
      mediaType: string;
      manifests: Array<{ digest: string; platform: { os: string; architecture: string } }>;
    };
    assert.equal(index.mediaType, 'application/vnd.oci.image.index.v1+json');
    assert.deepEqual(
      Object.fromEntries(index.manifests.map((m) => [`${m.platform.os}/${m.platform.architecture}`, m.digest])),
      digests,
    );
    assert.equal(
      (
        await tool(['skopeo', 'inspect', '--format', '{{.Digest}}', '--tls-verify=false', `docker://${repo}:1.0`])
      ).stdout.trim(),
      digest,
    );

    const viaPodman = JSON.parse((await tool(['podman', 'manifest', 'inspect', `${repo}:1.0`])).stdout) as typeof index;
    assert.deepEqual(viaPodman.manifests.map((m) => m.digest).sort(), Object.values(digests).sort());
    // Each platform resolves to its own image: skopeo picks the entry for the platform it is asked for
    // (skopeo 1.9 reports the index's digest there, so the image is compared by its layers).
    const inspect = async (ref: string, arch: string) =>
      JSON.parse(
        (await tool(['skopeo', 'inspect', '--override-arch', arch, '--tls-verify=false', `docker://${ref}`])).stdout,
      ) as { Architecture: string; Layers: string[] };
    for (const platform of Object.keys(digests)) {
      const arch = platform.split('/')[1]!;
      const viaIndex = await inspect(`${repo}:1.0`, arch);
      const part = await inspect(`${repo}@${digests[platform]}`, arch);
      assert.deepEqual([viaIndex.Architecture, viaIndex.Layers], [arch, part.Layers]);
    }
  });
});
