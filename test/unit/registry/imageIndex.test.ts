import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assembleIndex, loadRegistryHosts, OCI_INDEX, RegistryClient } from '../../../src/core/registry';
import { DOCKER_LIST, DOCKER_MANIFEST, insecureOnly, OCI_MANIFEST, sha, TestRegistry } from '../helpers/testRegistry';

describe('assembleIndex (OCI image index through the distribution API)', () => {
  it('reads each part, asks for a pull,push token anonymously, and PUTs exactly the index', async () => {
    const reg = await new TestRegistry('anonymous-token').start();
    try {
      const amd = reg.addImage('amd64', DOCKER_MANIFEST);
      const arm = reg.addImage('arm64', OCI_MANIFEST, 'v8');
      const { digest } = await assembleIndex(new RegistryClient(insecureOnly()), `${reg.host}/acme/app:1.0`, [
        { platform: 'linux/amd64', digest: amd.digest },
        { platform: 'linux/arm64', digest: arm.digest },
      ]);
      const expected = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          {
            mediaType: DOCKER_MANIFEST,
            digest: amd.digest,
            size: amd.size,
            platform: { architecture: 'amd64', os: 'linux' },
          },
          {
            mediaType: OCI_MANIFEST,
            digest: arm.digest,
            size: arm.size,
            platform: { architecture: 'arm64', os: 'linux', variant: 'v8' },
          },
        ],
      });
      assert.deepEqual(reg.puts, [
        { url: '/v2/acme/app/manifests/1.0', type: 'application/vnd.oci.image.index.v1+json', body: expected },
      ]);
      assert.equal(digest, sha(expected));
      const tokens = reg.log.filter((l) => l.startsWith('GET /token'));
      assert.deepEqual(tokens, [
        // Two parts read at once may each be challenged before the first token arrives.
        ...tokens.filter((t) => t.includes('%3Apull ')),
        'GET /token?service=test-registry&scope=repository%3Aacme%2Fapp%3Apull%2Cpush -',
      ]);
      assert.ok(tokens.length >= 2);
    } finally {
      reg.stop();
    }
  });

  it('sends the auth file’s credentials to the token service (basic-auth token flow)', async () => {
    const reg = await new TestRegistry('basic-token').start();
    try {
      const amd = reg.addImage('amd64');
      await assembleIndex(
        new RegistryClient(insecureOnly({ username: 'jane', password: 's3cret' })),
        `${reg.host}/acme/app:v2`,
        [{ platform: 'linux/amd64', digest: amd.digest }],
      );
      const basic = `Basic ${Buffer.from('jane:s3cret').toString('base64')}`;
      assert.ok(
        reg.log.includes(`GET /token?service=test-registry&scope=repository%3Aacme%2Fapp%3Apull%2Cpush ${basic}`),
        reg.log.join('\n'),
      );
      assert.ok(
        reg.log.includes('PUT /v2/acme/app/manifests/v2 Bearer tok repository:acme/app:pull,push'),
        reg.log.join('\n'),
      );
      assert.equal(reg.puts.length, 1);
    } finally {
      reg.stop();
    }
  });

  it('answers a Basic challenge with the credentials, read from the engines’ auth files', async () => {
    const reg = await new TestRegistry('basic').start();
    const home = await mkdtemp(join(tmpdir(), 'auth-home-'));
    try {
      const amd = reg.addImage('amd64');
      const env = {
        HOME: home,
        XDG_RUNTIME_DIR: join(home, 'run'),
        CONTAINERS_REGISTRIES_CONF: join(home, 'none.conf'),
      };
      const part = [{ platform: 'linux/amd64', digest: amd.digest }];
      // No credentials anywhere: the error names the files looked in and the login that fills one.
      await assert.rejects(
        assembleIndex(new RegistryClient(await loadRegistryHosts(env)), `${reg.host}/acme/app:v3`, part),
        (err: Error) => {
          assert.match(
            err.message,
            new RegExp(`${reg.host.replace(/[.[\]]/g, '\\$&')} asks for a user name and password to read acme/app`),
          );
          assert.ok(
            err.message.includes(`podman login ${reg.host}\` (writes ${join(home, 'run/containers/auth.json')})`),
            err.message,
          );
          assert.ok(
            err.message.includes(`docker login ${reg.host}\` (writes ${join(home, '.docker/config.json')})`),
            err.message,
          );
          return true;
        },
      );
      assert.equal(reg.puts.length, 0);
      await mkdir(join(home, '.docker'));
      await writeFile(
        join(home, '.docker/config.json'),
        JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from('jane:s3cret').toString('base64') } } }),
      );
      await assembleIndex(new RegistryClient(await loadRegistryHosts(env)), `${reg.host}/acme/app:v3`, part);
      assert.equal(reg.puts.length, 1);
    } finally {
      reg.stop();
      await rm(home, { recursive: true, force: true });
    }
  });

  it('asks the docker credential helper config.json names when no file holds credentials', async () => {
    const reg = await new TestRegistry('basic-token').start();
    const home = await mkdtemp(join(tmpdir(), 'auth-home-'));
    try {
      const amd = reg.addImage('amd64');
      // A helper speaking the docker-credential-helpers protocol: the server on stdin, JSON on stdout.
      const bin = join(home, 'bin');
      await mkdir(bin);
      await writeFile(
        join(bin, 'docker-credential-testpass'),
        '#!/bin/sh\nread server\necho "$server" >> "$(dirname "$0")/asked"\nprintf \'{"ServerURL":"%s","Username":"jane","Secret":"s3cret"}\' "$server"\n',
        { mode: 0o755 },
      );
      await mkdir(join(home, '.docker'));
      await writeFile(
        join(home, '.docker/config.json'),
        JSON.stringify({ auths: { [reg.host]: {} }, credHelpers: { [reg.host]: 'testpass' } }),
      );
      const env = {
        HOME: home,
        PATH: `${bin}:${process.env.PATH}`,
        XDG_RUNTIME_DIR: join(home, 'run'),
        CONTAINERS_REGISTRIES_CONF: join(home, 'none.conf'),
      };
      const client = new RegistryClient(await loadRegistryHosts(env));
      await assembleIndex(client, `${reg.host}/acme/app:h`, [{ platform: 'linux/amd64', digest: amd.digest }]);
      assert.equal(reg.puts.length, 1);
      // Asked once for the host, though a pull and a push token were needed.
      assert.equal(await readFile(join(bin, 'asked'), 'utf8'), `${reg.host}\n`);
    } finally {
      reg.stop();
      await rm(home, { recursive: true, force: true });
    }
  });

  it('says the token service refused the credentials and which file they came from', async () => {
    const reg = await new TestRegistry('basic-token').start();
    const home = await mkdtemp(join(tmpdir(), 'auth-home-'));
    try {
      const amd = reg.addImage('amd64');
      const authFile = join(home, 'auth.json');
      await writeFile(
        authFile,
        JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from('jane:wrong').toString('base64') } } }),
      );
      const hosts = await loadRegistryHosts({
        HOME: home,
        REGISTRY_AUTH_FILE: authFile,
        CONTAINERS_REGISTRIES_CONF: join(home, 'none.conf'),
      });
      await assert.rejects(
        assembleIndex(new RegistryClient(hosts), `${reg.host}/acme/app:v4`, [
          { platform: 'linux/amd64', digest: amd.digest },
        ]),
        new RegExp(
          `refused to let jane read .* the credentials for .* in ${authFile.replace(/\./g, '\\.')} do not allow it`,
        ),
      );
    } finally {
      reg.stop();
      await rm(home, { recursive: true, force: true });
    }
  });

  it('uses the matching entry of a part that is itself a list, and refuses a part of another platform', async () => {
    const reg = await new TestRegistry('anonymous-token').start();
    try {
      const arm = reg.addImage('arm64');
      const list = reg.addManifest(
        {
          schemaVersion: 2,
          mediaType: DOCKER_LIST,
          manifests: [{ mediaType: OCI_MANIFEST, ...arm, platform: { architecture: 'arm64', os: 'linux' } }],
        },
        DOCKER_LIST,
      );
      const amd = reg.addImage('amd64');
      const client = new RegistryClient(insecureOnly());
      await assembleIndex(client, `${reg.host}/acme/app:l`, [
        { platform: 'linux/arm64', digest: list.digest },
        { platform: 'linux/amd64', digest: amd.digest },
      ]);
      const index = JSON.parse(reg.puts[0]!.body) as { manifests: Array<{ digest: string; size: number }> };
      assert.deepEqual(
        index.manifests.map((m) => [m.digest, m.size]),
        [
          [arm.digest, arm.size],
          [amd.digest, amd.size],
        ],
      );
      await assert.rejects(
        assembleIndex(client, `${reg.host}/acme/app:l`, [{ platform: 'linux/arm64', digest: amd.digest }]),
        /is built for linux\/amd64, not linux\/arm64/,
      );
      await assert.rejects(
        assembleIndex(client, `${reg.host}/acme/app:l`, [{ platform: 'linux/s390x', digest: list.digest }]),
        /is a list \(linux\/arm64\) without exactly one linux\/s390x image/,
      );
      await assert.rejects(
        assembleIndex(client, `${reg.host}/acme/app:l`, [{ platform: 'linux/amd64', digest: sha('gone') }]),
        /answered 404 Not Found: MANIFEST_UNKNOWN/,
      );
      assert.equal(reg.puts.length, 1);
    } finally {
      reg.stop();
    }
  });

  it('keeps the attestation a part that is a list names for its image (buildx provenance), and no other', async () => {
    const reg = await new TestRegistry('anonymous-token').start();
    try {
      const arm = reg.addImage('arm64');
      const other = reg.addImage('arm64', OCI_MANIFEST, 'v7');
      const attestation = (of: string) => ({
        mediaType: OCI_MANIFEST,
        ...reg.addManifest({ schemaVersion: 2, mediaType: OCI_MANIFEST, of }, OCI_MANIFEST),
        platform: { architecture: 'unknown', os: 'unknown' },
        annotations: { 'vnd.docker.reference.digest': of, 'vnd.docker.reference.type': 'attestation-manifest' },
      });
      const own = attestation(arm.digest);
      const list = reg.addManifest(
        {
          schemaVersion: 2,
          mediaType: OCI_INDEX,
          manifests: [
            { mediaType: OCI_MANIFEST, ...arm, platform: { architecture: 'arm64', os: 'linux' } },
            own,
            attestation(other.digest),
          ],
        },
        OCI_INDEX,
      );
      const amd = reg.addImage('amd64');
      await assembleIndex(new RegistryClient(insecureOnly()), `${reg.host}/acme/app:p`, [
        { platform: 'linux/arm64', digest: list.digest },
        { platform: 'linux/amd64', digest: amd.digest },
      ]);
      const index = JSON.parse(reg.puts[0]!.body) as { manifests: unknown[] };
      assert.deepEqual(index.manifests, [
        { mediaType: OCI_MANIFEST, ...arm, platform: { architecture: 'arm64', os: 'linux' } },
        own,
        { mediaType: OCI_MANIFEST, ...amd, platform: { architecture: 'amd64', os: 'linux' } },
      ]);
    } finally {
      reg.stop();
    }
  });

  it('speaks plain HTTP to a registry registries.conf marks insecure, and HTTPS otherwise', async () => {
    // [::ffff:7f00:1] is 127.0.0.1 written as an IPv4-mapped address: not a name the client treats as
    // loopback, so only the configuration can make it plain HTTP.
    const reg = await new TestRegistry('anonymous-token', '::ffff:127.0.0.1').start();
    const dir = await mkdtemp(join(tmpdir(), 'insecure-'));
    try {
      const amd = reg.addImage('amd64');
      const conf = join(dir, 'registries.conf');
      const env = { HOME: dir, CONTAINERS_REGISTRIES_CONF: conf, DOCKER_DAEMON_JSON: join(dir, 'none.json') };
      const part = [{ platform: 'linux/amd64', digest: amd.digest }];
      await writeFile(conf, '');
      await assert.rejects(
        assembleIndex(new RegistryClient(await loadRegistryHosts(env)), `${reg.host}/acme/app:i`, part),
        (err: Error) => err.message.startsWith(`https://${reg.host}/v2/`),
      );
      await writeFile(conf, `[[registry]]\nlocation = "${reg.host}"\ninsecure = true\n`);
      await assembleIndex(new RegistryClient(await loadRegistryHosts(env)), `${reg.host}/acme/app:i`, part);
      assert.deepEqual(
        reg.puts.map((p) => p.url),
        ['/v2/acme/app/manifests/i'],
      );
    } finally {
      reg.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a digest target, no parts, and two parts for one platform', async () => {
    const client = new RegistryClient(insecureOnly());
    await assert.rejects(
      assembleIndex(client, `127.0.0.1:1/acme/app@${sha('x')}`, [{ platform: 'linux/amd64', digest: sha('a') }]),
      /give the target as name:tag/,
    );
    await assert.rejects(assembleIndex(client, '127.0.0.1:1/acme/app:t', []), /no platform images/);
    await assert.rejects(
      assembleIndex(client, '127.0.0.1:1/acme/app:t', [
        { platform: 'linux/amd64', digest: sha('a') },
        { platform: 'linux/amd64', digest: sha('b') },
      ]),
      /two images for linux\/amd64/,
    );
  });
});
