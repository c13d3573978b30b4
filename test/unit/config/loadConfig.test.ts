import * as assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseConfig } from '../../../src/core/config/loadConfig';
import type { ConfigProblem } from '../../../src/core/config/types';

const file = '/proj/multiarch.yaml';

function problems(text: string): ConfigProblem[] {
  const r = parseConfig(text, file);
  assert.equal(r.ok, false, 'expected the config to be rejected');
  return r.ok ? [] : r.problems;
}

function only(text: string): ConfigProblem {
  const p = problems(text);
  assert.equal(p.length, 1, JSON.stringify(p, null, 2));
  return p[0]!;
}

describe('config: valid files', () => {
  it('resolves the issue sketch with defaults and absolute paths', () => {
    const r = parseConfig(
      `image: openhqm
tag: latest
dockerfile: Dockerfile
context: .
variantArg: QUEUE_BACKEND
platforms: [linux/amd64, linux/arm64]
variants:
  minimal: {}
  redis: { args: { REDIS_VERSION: "5.0.1" } }
  sqs:   { platforms: [linux/amd64] }
tags: ["{image}:{tag}-{variant}"]
`,
      file,
    );
    assert.ok(r.ok, JSON.stringify(r));
    const c = r.config;
    assert.equal(c.image, 'openhqm');
    assert.equal(c.output, 'load');
    assert.deepEqual(
      c.variants.map((v) => [v.name, v.platforms]),
      [
        ['minimal', ['linux/amd64', 'linux/arm64']],
        ['redis', ['linux/amd64', 'linux/arm64']],
        ['sqs', ['linux/amd64']],
      ],
    );
    assert.deepEqual(c.variants[1]!.args, { REDIS_VERSION: '5.0.1', QUEUE_BACKEND: 'redis' });
    assert.equal(c.variants[0]!.dockerfile, '/proj/Dockerfile');
    assert.equal(c.variants[0]!.context, '/proj');
    assert.deepEqual(c.variants[0]!.verifyChecks, [{ name: 'architecture', command: ['uname', '-m'] }]);
  });

  it('treats a variant written as a bare key (null) as an empty variant', () => {
    const r = parseConfig('image: app\nvariants:\n  a:\n  b: {}\n', file);
    assert.ok(r.ok);
    assert.deepEqual(
      r.config.variants.map((v) => v.name),
      ['a', 'b'],
    );
  });

  it('defaults to one variant named default when no variants are given', () => {
    const r = parseConfig('image: app\n', file);
    assert.ok(r.ok);
    assert.deepEqual(
      r.config.variants.map((v) => v.name),
      ['default'],
    );
  });

  it('turns numeric and boolean build args into strings', () => {
    const r = parseConfig('image: app\nargs: { A: 1, B: true }\n', file);
    assert.ok(r.ok);
    assert.deepEqual(r.config.variants[0]!.args, { A: '1', B: 'true' });
  });

  it('merges variant args over top-level args and lets variantArg win', () => {
    const r = parseConfig(
      'image: app\nvariantArg: V\nargs: { A: top, V: no }\nvariants:\n  x: { args: { A: mine } }\n',
      file,
    );
    assert.ok(r.ok);
    assert.deepEqual(r.config.variants[0]!.args, { A: 'mine', V: 'x' });
  });

  it('accepts an empty file as all defaults', () => {
    assert.ok(parseConfig('', file).ok);
  });
});

describe('config: located errors', () => {
  it('names an unknown top-level key with its position and the allowed keys', () => {
    const p = only('image: app\nplatfroms: [linux/amd64]\n');
    assert.equal(p.line, 2);
    assert.equal(p.column, 1);
    assert.match(p.message, /unknown key "platfroms"/);
    assert.match(p.message, /platforms/);
    assert.equal(p.file, file);
  });

  it('names an unknown key inside a variant', () => {
    const p = only('image: app\nvariants:\n  redis:\n    argz: {}\n');
    assert.deepEqual([p.line, p.column], [4, 5]);
    assert.match(p.message, /unknown key "argz" in "variants.redis"/);
  });

  it('rejects a misspelt platform and suggests the right one', () => {
    const p = only('image: app\nplatforms: [linux/amd64, linux/amd46]\n');
    assert.deepEqual([p.line, p.column], [2, 26]);
    assert.match(p.message, /"linux\/amd46" is not a platform/);
    assert.match(p.message, /did you mean linux\/amd64\?/);
  });

  it('rejects an empty platform list', () => {
    const p = only('image: app\nplatforms: []\n');
    assert.equal(p.line, 2);
    assert.match(p.message, /empty; list at least one platform/);
  });

  it('rejects a wrong type and says what was expected', () => {
    const p = only('image: app\nplatforms: linux/amd64\n');
    assert.match(p.message, /"platforms" must be a list, not string/);
    assert.deepEqual([p.line, p.column], [2, 12]);
  });

  it('rejects a duplicate variant name at the second occurrence', () => {
    const p = only('image: app\nvariants:\n  redis: {}\n  redis: {}\n');
    assert.equal(p.line, 4);
    assert.match(p.message, /duplicate key "redis"/);
  });

  it('rejects a tag template with an unknown placeholder', () => {
    const p = only('image: app\ntags: ["{image}:{version}-{variant}"]\n');
    assert.equal(p.line, 2);
    assert.match(p.message, /unknown placeholder \{version\}/);
  });

  it('rejects a variant name that would be shell syntax', () => {
    const p = only('image: app\nvariants:\n  "$(touch pwned)": {}\n');
    assert.equal(p.line, 3);
    assert.match(p.message, /variant name "\$\(touch pwned\)" is not allowed/);
  });

  it('rejects a tag that renders to an invalid reference (";" in it)', () => {
    const p = only('image: app\ntags: ["{image}:x;rm -rf /"]\n');
    assert.match(p.message, /not a valid image reference/);
    assert.equal(p.line, 2);
  });

  it('rejects an unknown output mode', () => {
    const p = only('image: app\noutput: tarball\n');
    assert.match(p.message, /must be one of: load, oci, push/);
  });

  it('reports YAML syntax errors with a position instead of throwing', () => {
    const p = problems('image: app\nvariants: [\n  - : :\n');
    assert.ok(p.length >= 1);
    assert.match(p[0]!.message, /YAML syntax error/);
    assert.ok(p[0]!.line >= 2);
  });

  it('rejects a non-mapping document', () => {
    const p = only('- a\n- b\n');
    assert.match(p.message, /the top level must be a mapping/);
  });

  it('reports several problems sorted by position', () => {
    const p = problems('platforms: [linux/foo]\nimage: app\nfoo: 1\n');
    assert.deepEqual(
      p.map((x) => x.line),
      [1, 3],
    );
  });

  it('survives hostile YAML (alias bomb) without hanging or throwing', () => {
    const bomb =
      'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n';
    const r = parseConfig(bomb, file);
    assert.equal(r.ok, false);
  });

  it('reports an unreadable file as a problem at 1:1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ma-'));
    const r = await loadConfig(join(dir, 'missing.yaml'));
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.problems[0]!.message, /cannot read the config file/);
  });

  it('loads a file from disk and resolves paths against its folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ma-'));
    await writeFile(join(dir, 'multiarch.yaml'), 'image: app\ndockerfile: docker/Dockerfile\n');
    const r = await loadConfig(join(dir, 'multiarch.yaml'));
    assert.ok(r.ok);
    assert.equal(r.config.variants[0]!.dockerfile, join(dir, 'docker/Dockerfile'));
    assert.equal(r.config.file, join(dir, 'multiarch.yaml'));
  });
});
