import { strict as assert } from 'node:assert';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  credentialsFromAuthFile,
  insecureFromDaemonJson,
  insecureFromRegistriesConf,
} from '../../../src/core/registry/hosts';
import {
  PlatformCache,
  RegistryClient,
  platformLookup,
  samePlatform,
  type RegistryHosts,
} from '../../../src/core/registry';
import { checkBaseImagePlatforms, type LintCell } from '../../../src/core/lint/baseImagePlatform';
import type { LocalPlatforms } from '../../../src/core/engines/localPlatforms';
import { insecureOnly, sha, TestRegistry } from '../helpers/testRegistry';

describe('registry settings', () => {
  it('reads insecure registries from registries.conf (v2 and v1) and daemon.json', () => {
    const v2 =
      '[[registry]]\nlocation = "127.0.0.1:5000"\ninsecure = true\n\n[[registry]]\nlocation = "quay.io"\n[[registry.mirror]]\nlocation = "mirror.local:5000"\ninsecure = true\n';
    assert.deepEqual(insecureFromRegistriesConf(v2), ['127.0.0.1:5000', 'mirror.local:5000']);
    assert.deepEqual(insecureFromRegistriesConf("[registries.insecure]\nregistries = ['old.local']\n"), ['old.local']);
    assert.deepEqual(insecureFromRegistriesConf('not = [toml'), []);
    assert.deepEqual(insecureFromDaemonJson('{"insecure-registries": ["10.0.0.5:5000"]}'), ['10.0.0.5:5000']);
  });

  it('reads credentials from an auth file', () => {
    const auth = Buffer.from('jane:s3cret:x').toString('base64');
    assert.deepEqual(
      credentialsFromAuthFile(
        JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth }, 'reg.local:5000': { auth } } }),
      ),
      [
        ['docker.io', { username: 'jane', password: 's3cret:x' }],
        ['reg.local:5000', { username: 'jane', password: 's3cret:x' }],
      ],
    );
  });

  it('compares platforms by OS and architecture', () => {
    assert.ok(samePlatform('linux/arm64/v8', 'linux/arm64'));
    assert.ok(!samePlatform('linux/arm/v7', 'linux/arm64'));
  });
});

/**
 * The client against a distribution-API server written for this test (not an engine): a bearer token
 * challenge, an index with an attestation entry, and a single-platform image read from its config blob.
 */
describe('registry client (OCI distribution API)', () => {
  let server: Server;
  let host: string;
  const seen: string[] = [];

  before(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? '-'}`);
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.url?.startsWith('/token')) {
        const url = new URL(req.url, 'http://x');
        return send(200, { token: `tok-${url.searchParams.get('scope')}` });
      }
      if (req.headers.authorization !== 'Bearer tok-repository:acme/app:pull') {
        return send(
          401,
          {},
          { 'WWW-Authenticate': `Bearer realm="http://${host}/token",service="test",scope="repository:acme/app:pull"` },
        );
      }
      if (req.url === '/v2/acme/app/manifests/multi') {
        return send(200, {
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: [
            { digest: 'sha256:a', platform: { os: 'linux', architecture: 'amd64' } },
            { digest: 'sha256:b', platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
            { digest: 'sha256:c', platform: { os: 'unknown', architecture: 'unknown' } },
          ],
        });
      }
      if (req.url === '/v2/acme/app/manifests/single')
        return send(200, { mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { digest: 'sha256:cfg' } });
      if (req.url === '/v2/acme/app/blobs/sha256:cfg') return send(200, { os: 'linux', architecture: 's390x' });
      return send(404, {});
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    host = `127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  after(() => server.close());

  const hosts: RegistryHosts = { insecure: () => true, credentials: () => undefined };

  it('follows the token challenge and lists an index’s platforms without attestations', async () => {
    const client = new RegistryClient(hosts);
    assert.deepEqual(await client.platforms({ domain: host, path: 'acme/app', tag: 'multi' }), [
      'linux/amd64',
      'linux/arm64/v8',
    ]);
    assert.ok(seen.some((s) => s.startsWith('GET /token?service=test&scope=repository%3Aacme%2Fapp%3Apull')));
  });

  it('reads a single-platform image from its config', async () => {
    assert.deepEqual(await new RegistryClient(hosts).platforms({ domain: host, path: 'acme/app', tag: 'single' }), [
      'linux/s390x',
    ]);
  });

  it('the digest a tag names: from a HEAD request, or the manifest read when the registry sends no digest header', async () => {
    const reg = await new TestRegistry('anonymous-token').start();
    try {
      const image = reg.addImage('amd64');
      reg.manifests.set('1', reg.manifests.get(image.digest)!);
      assert.equal(
        await new RegistryClient(insecureOnly()).digestOf({ domain: reg.host, path: 'acme/app', tag: '1' }),
        image.digest,
      );
      assert.deepEqual(
        reg.log.filter((l) => l.includes('/manifests/')).map((l) => l.split(' ')[0]),
        ['HEAD', 'HEAD'],
        'asked without a token, then with one; never read',
      );
    } finally {
      reg.stop();
    }
    const from = seen.length;
    const digest = await new RegistryClient(hosts).digestOf({ domain: host, path: 'acme/app', tag: 'single' });
    const body = JSON.stringify({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { digest: 'sha256:cfg' },
    });
    assert.equal(digest, sha(body));
    assert.deepEqual(
      seen
        .slice(from)
        .filter((l) => l.includes('/manifests/'))
        .map((l) => l.split(' ')[0]),
      ['HEAD', 'HEAD', 'GET'],
    );
    const pinned = `sha256:${'a'.repeat(64)}`;
    assert.equal(await new RegistryClient(hosts).digestOf({ domain: host, path: 'acme/app', digest: pinned }), pinned);
    assert.equal(seen.length, from + 4, 'a digest reference is its own answer');
  });

  it('says which URL failed and how', async () => {
    await assert.rejects(
      new RegistryClient(hosts).platforms({ domain: host, path: 'acme/app', tag: 'gone' }),
      /manifests\/gone answered 404/,
    );
  });

  it('asks the local image stores first: a manifest list there answers, one image only when the registry cannot', async () => {
    const local = new Map<string, LocalPlatforms>([
      [`${host}/acme/app:multi`, { platforms: ['linux/amd64'], list: false }],
      [`${host}/acme/app:gone`, { platforms: ['linux/riscv64'], list: false }],
      [`${host}/acme/app:mine`, { platforms: ['linux/arm64', 'linux/ppc64le'], list: true }],
    ]);
    const lookup = platformLookup(new RegistryClient(hosts), { local: async (image) => local.get(image) });
    const before = seen.length;
    // An image pulled for one platform is not all the registry has.
    assert.deepEqual(await lookup(`${host}/acme/app:multi`), ['linux/amd64', 'linux/arm64/v8']);
    // Not in the registry (404): built here.
    assert.deepEqual(await lookup(`${host}/acme/app:gone`), ['linux/riscv64']);
    const asked = seen.length;
    assert.deepEqual(await lookup(`${host}/acme/app:mine`), ['linux/arm64', 'linux/ppc64le']);
    assert.equal(seen.length, asked, 'a local manifest list needs no registry request');
    assert.ok(asked > before);
    await assert.rejects(lookup(`${host}/acme/app:nowhere`), /answered 404/);
  });

  it('caches answers on disk with a TTL, and reports per variant', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'platform-cache-'));
    try {
      let now = 1_000;
      const cache = new PlatformCache(join(dir, 'c.json'), 100, () => now);
      const lookup = platformLookup(new RegistryClient(hosts), { cache });
      const before = seen.length;
      const df = `ARG IMG=${host}/acme/app:single\nFROM \${IMG}\nFROM ${host}/acme/app:multi AS other\n`;
      const cells: LintCell[] = [
        { variant: 'a', args: {}, platforms: ['linux/amd64', 'linux/arm64'] },
        { variant: 'b', args: {}, platforms: ['linux/amd64'] },
        { variant: 'c', args: { IMG: `${host}/acme/app:multi` }, platforms: ['linux/amd64'] },
      ];
      const r = await checkBaseImagePlatforms(df, cells, { lookup });
      assert.deepEqual(r.unreachable, []);
      assert.deepEqual(r.diagnostics[0].cells, [
        { variant: 'a', platform: 'linux/amd64' },
        { variant: 'b', platform: 'linux/amd64' },
      ]);
      assert.deepEqual(
        r.diagnostics.map((d) => `${d.range.start.line + 1} ${d.rule}: ${d.message}`),
        [
          // Variant c builds FROM another image: the amd64 finding says which variants it is about.
          `2 InvalidBaseImagePlatform: ${host}/acme/app:single has no linux/amd64, only linux/s390x (in variants a, b)`,
          // Every variant building arm64 is hit: the message needs no more.
          `2 InvalidBaseImagePlatform: ${host}/acme/app:single has no linux/arm64, only linux/s390x`,
        ],
      );
      const fresh = new PlatformCache(join(dir, 'c.json'), 100, () => now);
      assert.deepEqual(await fresh.get(`${host}/acme/app:single`), ['linux/s390x']);
      now += 200;
      assert.equal(
        await new PlatformCache(join(dir, 'c.json'), 100, () => now).get(`${host}/acme/app:single`),
        undefined,
      );
      assert.ok(seen.length > before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a cache entry dated in the future is not trusted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'platform-cache-'));
    try {
      const file = join(dir, 'c.json');
      const { writeFile } = await import('node:fs/promises');
      await writeFile(file, JSON.stringify({ 'busybox:1': { platforms: ['linux/s390x'], at: 10_000_000 } }));
      assert.equal(await new PlatformCache(file, 100, () => 1_000).get('busybox:1'), undefined);
      assert.deepEqual(await new PlatformCache(file, 100, () => 10_000_050).get('busybox:1'), ['linux/s390x']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('# check=skip=InvalidBaseImagePlatform silences it', async () => {
    const lookup = async () => ['linux/s390x'];
    const cells = [{ variant: 'a', args: {}, platforms: ['linux/amd64'] }];
    assert.deepEqual(
      (await checkBaseImagePlatforms('# check=skip=InvalidBaseImagePlatform\nFROM alpine\n', cells, { lookup }))
        .diagnostics,
      [],
    );
    assert.deepEqual(
      (
        await checkBaseImagePlatforms('FROM scratch\n# check=skip=InvalidBaseImagePlatform\nFROM alpine\n', cells, {
          lookup,
        })
      ).diagnostics,
      [],
    );
    assert.equal((await checkBaseImagePlatforms('FROM alpine\n', cells, { lookup })).diagnostics.length, 1);
    // A stage run on the build machine is not the target's.
    assert.deepEqual(
      (await checkBaseImagePlatforms('FROM --platform=$BUILDPLATFORM alpine\n', cells, { lookup })).diagnostics,
      [],
    );
  });
});
