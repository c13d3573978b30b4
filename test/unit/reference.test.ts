import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  familiarString,
  formatReference,
  isLoopbackDomain,
  isValidReference,
  nameOf,
  normalize,
  parseReference,
  podmanStoredName,
  ReferenceError,
  registryApiHost,
  tryParseReference,
  withDigest,
  withTag,
  type ImageReference,
} from '../../src/core/reference';

const sha = (c: string) => `sha256:${c.repeat(64)}`;

// Generators written from the grammar in distribution/reference's regexp.go, independently of the parser.
const lowerAlnum = fc.stringMatching(/^[a-z0-9]{1,6}$/);
const separator = fc.constantFrom('.', '_', '__', '-', '--', '---');
const pathComponent = fc
  .tuple(lowerAlnum, fc.array(fc.tuple(separator, lowerAlnum), { maxLength: 3 }))
  .map(([head, rest]) => head + rest.map(([s, a]) => s + a).join(''));
const path = fc.array(pathComponent, { minLength: 1, maxLength: 4 }).map((c) => c.join('/'));
const domainComponent = fc.stringMatching(/^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]{0,8}[a-zA-Z0-9])$/);
const host = fc.oneof(
  fc.array(domainComponent, { minLength: 1, maxLength: 4 }).map((c) => c.join('.')),
  fc.constant('localhost'),
  fc.stringMatching(/^\[[a-fA-F0-9:]{1,20}\]$/),
);
const port = fc.option(fc.integer({ min: 1, max: 65535 }).map(String), { nil: undefined });
// Docker reads the first component as a registry only when it has '.' or ':', is localhost, or has uppercase.
const domain = fc
  .tuple(host, port)
  .map(([h, p]) => (p ? `${h}:${p}` : h))
  .filter((d) => /[.:A-Z]/.test(d) || d === 'localhost');
const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/);
const digest = fc.oneof(
  fc.stringMatching(/^[a-f0-9]{64}$/).map((h) => `sha256:${h}`),
  fc.stringMatching(/^[a-f0-9]{128}$/).map((h) => `sha512:${h}`),
);
const reference: fc.Arbitrary<ImageReference> = fc
  .record({ domain, path, tag, digest }, { requiredKeys: ['path'], noNullPrototype: true })
  .filter((r) => nameOf(r).length <= 255)
  // Without a domain, a first component with a '.' would be read as one.
  .filter((r) => r.domain !== undefined || !r.path.includes('/') || !r.path.split('/')[0]!.includes('.'))
  // A bare 64-hex string is an image ID, not a name.
  .filter((r) => !/^[a-f0-9]{64}$/.test(formatReference(r)));

describe('image references (distribution/reference grammar)', () => {
  describe('properties', () => {
    it('parse(format(r)) gives r back, and format(parse(s)) gives s back', () => {
      fc.assert(
        fc.property(reference, (r) => {
          const text = formatReference(r);
          assert.deepEqual(parseReference(text), r);
          assert.equal(formatReference(parseReference(text)), text);
        }),
        { numRuns: 2000 },
      );
    });

    it('normalizing is idempotent and the familiar form names the same image', () => {
      fc.assert(
        fc.property(reference, (r) => {
          const n = normalize(r);
          assert.deepEqual(normalize(n), n);
          assert.deepEqual(normalize(parseReference(familiarString(r))), n);
          assert.deepEqual(normalize(parseReference(formatReference(n))), n);
          assert.ok(!familiarString(r).startsWith('docker.io/'));
        }),
        { numRuns: 1000 },
      );
    });

    it('an uppercase letter in the repository path is always rejected', () => {
      fc.assert(
        fc.property(reference, fc.nat(), (r, at) => {
          const i = at % r.path.length;
          const upper = r.path.slice(0, i) + r.path[i]!.toUpperCase() + r.path.slice(i + 1);
          fc.pre(upper !== r.path);
          assert.equal(
            isValidReference(formatReference({ ...r, domain: r.domain ?? 'example.com', path: upper })),
            false,
          );
        }),
      );
    });

    it('any string either fails with a ReferenceError or round-trips', () => {
      const chars = fc.constantFrom(...'aZ09.:_-/@[]'.split(''), 'sha256:', 'localhost', 'sha256:' + 'a'.repeat(64));
      fc.assert(
        fc.property(
          fc.array(chars, { maxLength: 12 }).map((c) => c.join('')),
          (s) => {
            try {
              assert.equal(formatReference(parseReference(s)), s);
            } catch (err) {
              assert.ok(err instanceof ReferenceError, String(err));
            }
          },
        ),
        { numRuns: 3000 },
      );
    });
  });

  describe('examples from distribution/reference', () => {
    it('splits domain, path, tag and digest', () => {
      assert.deepEqual(parseReference('test_com'), { path: 'test_com' });
      assert.deepEqual(parseReference('test.com:tag'), { path: 'test.com', tag: 'tag' });
      assert.deepEqual(parseReference('test.com:5000'), { path: 'test.com', tag: '5000' });
      assert.deepEqual(parseReference('test.com/repo:tag'), { domain: 'test.com', path: 'repo', tag: 'tag' });
      assert.deepEqual(parseReference('test:5000/repo'), { domain: 'test:5000', path: 'repo' });
      assert.deepEqual(parseReference(`test:5000/repo@${sha('f')}`), {
        domain: 'test:5000',
        path: 'repo',
        digest: sha('f'),
      });
      assert.deepEqual(parseReference(`test:5000/repo:tag@${sha('f')}`), {
        domain: 'test:5000',
        path: 'repo',
        tag: 'tag',
        digest: sha('f'),
      });
      assert.deepEqual(parseReference('lowercase:Uppercase'), { path: 'lowercase', tag: 'Uppercase' });
      assert.deepEqual(parseReference('Uppercase/lowercase:tag'), {
        domain: 'Uppercase',
        path: 'lowercase',
        tag: 'tag',
      });
      assert.deepEqual(parseReference('sub-dom1.foo.com/bar/baz/quux:some-long-tag'), {
        domain: 'sub-dom1.foo.com',
        path: 'bar/baz/quux',
        tag: 'some-long-tag',
      });
      assert.deepEqual(parseReference('[2001:db8::1]:5000/repo'), { domain: '[2001:db8::1]:5000', path: 'repo' });
      assert.deepEqual(parseReference('localhost/foo'), { domain: 'localhost', path: 'foo' });
      assert.deepEqual(parseReference('foo/bar'), { path: 'foo/bar' });
      assert.deepEqual(parseReference('a__b/c-d---e/f.g'), { path: 'a__b/c-d---e/f.g' });
    });

    it('rejects what docker rejects, saying why', () => {
      for (const bad of [
        '',
        ':justtag',
        `@${sha('f')}`,
        'repo@sha256:ffffffffffffffffffffffffffffffff',
        'validname@invaliddigest:' + 'f'.repeat(64),
        'Uppercase:tag',
        'test:5000/Uppercase/lowercase:tag',
        'aa/asdf$$^/aa',
        'a'.repeat(256),
        'a/' + 'a'.repeat(254),
        '[fe80::1%eth0]:5000/repo',
        'foo_bar.com:8080/x',
        'foo/bar:' + 'a'.repeat(129),
        'foo/bar:-tag',
        'a.b/c__d___e',
        'a/-b',
        'repo@sha256:' + 'F'.repeat(64),
        'f'.repeat(64),
        'http://example.com/x',
      ]) {
        assert.throws(() => parseReference(bad), ReferenceError, bad);
        assert.equal(tryParseReference(bad), undefined);
      }
      assert.throws(() => parseReference('Foo'), /must be lowercase/);
      assert.throws(() => parseReference('f'.repeat(64)), /image ID/);
    });

    it('normalizes to docker.io and library/ and back to the familiar form', () => {
      const norm = (s: string) => formatReference(normalize(parseReference(s)));
      assert.equal(norm('ubuntu'), 'docker.io/library/ubuntu');
      assert.equal(norm('ubuntu:22.04'), 'docker.io/library/ubuntu:22.04');
      assert.equal(norm('acme/app'), 'docker.io/acme/app');
      assert.equal(norm('docker.io/ubuntu'), 'docker.io/library/ubuntu');
      assert.equal(norm('index.docker.io/ubuntu'), 'docker.io/library/ubuntu');
      assert.equal(norm('localhost/ubuntu'), 'localhost/ubuntu');
      assert.equal(norm('127.0.0.1:5000/ubuntu'), '127.0.0.1:5000/ubuntu');
      assert.equal(familiarString(parseReference('docker.io/library/ubuntu:22.04')), 'ubuntu:22.04');
      assert.equal(familiarString(parseReference('docker.io/library/a/b')), 'library/a/b');
      assert.equal(familiarString(parseReference('docker.io/acme/app')), 'acme/app');
      assert.equal(familiarString(parseReference('ghcr.io/acme/app')), 'ghcr.io/acme/app');
      assert.equal(familiarString(parseReference('docker.io/a.b/c')), 'docker.io/a.b/c');
    });
  });

  it('replaces tag or digest keeping the name as written', () => {
    const r = parseReference('127.0.0.1:5000/queue/minimal:latest');
    assert.equal(formatReference(withDigest(r, sha('a'))), `127.0.0.1:5000/queue/minimal@${sha('a')}`);
    assert.equal(formatReference(withTag(parseReference(`app@${sha('a')}`), 'v2')), 'app:v2');
  });

  it('knows the registry API host and loopback registries', () => {
    assert.equal(registryApiHost(parseReference('app')), 'registry-1.docker.io');
    assert.equal(registryApiHost(parseReference('ghcr.io/a/b')), 'ghcr.io');
    assert.equal(isLoopbackDomain('127.0.0.1:5000'), true);
    assert.equal(isLoopbackDomain('127.3.2.1'), true);
    assert.equal(isLoopbackDomain('localhost'), true);
    assert.equal(isLoopbackDomain('[::1]:5000'), true);
    assert.equal(isLoopbackDomain('localhost.example.com'), false);
    assert.equal(isLoopbackDomain('ghcr.io'), false);
    assert.equal(isLoopbackDomain(undefined), false);
  });

  it('gives the name podman 4.3 keeps for a tag (as `podman tag` then `podman images` showed)', () => {
    assert.equal(podmanStoredName('app'), 'localhost/app:latest');
    assert.equal(podmanStoredName('app:dev'), 'localhost/app:dev');
    assert.equal(podmanStoredName('acme/app:dev'), 'localhost/acme/app:dev');
    assert.equal(podmanStoredName('docker.io/foo'), 'docker.io/library/foo:latest');
    assert.equal(podmanStoredName('index.docker.io/baz:1'), 'docker.io/library/baz:1');
    assert.equal(podmanStoredName('Foo.io/x'), 'Foo.io/x:latest');
    assert.equal(podmanStoredName('127.0.0.1:5000/multiarch/busybox:1'), '127.0.0.1:5000/multiarch/busybox:1');
    assert.equal(podmanStoredName(`app@${sha('a')}`), `app@${sha('a')}`);
    assert.equal(podmanStoredName('Not A Ref'), 'Not A Ref');
  });
});
