import * as assert from 'node:assert/strict';
import { parseConfig } from '../../../src/core/config/loadConfig';
import type { ConfigProblem, ResolvedConfig } from '../../../src/core/config/types';

const file = '/proj/multiarch.yaml';

function ok(text: string): ResolvedConfig {
  const r = parseConfig(text, file);
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.problems, null, 2));
  return r.config;
}

function only(text: string): ConfigProblem {
  const r = parseConfig(text, file);
  assert.equal(r.ok, false, 'expected the config to be rejected');
  const p = r.ok ? [] : r.problems;
  assert.equal(p.length, 1, JSON.stringify(p, null, 2));
  return p[0]!;
}

const seed = `image: queue
verify:
  checks:
    - name: redis client
      command: [python, -c, "import redis, platform; print(redis.__version__, platform.machine())"]
      expect: "^5\\\\.0\\\\.1 aarch64|^5\\\\.0\\\\.1 x86_64"
      network: host
      timeout: 30
variants:
  minimal:
    verify:
      command: [arch]
  redis:
  sqs:
    verify:
      checks:
        - name: boto
          command: [python, -c, "import boto3"]
`;

describe('config: verify checks', () => {
  it('resolves the seed’s named checks per variant, after the architecture check', () => {
    const byName = Object.fromEntries(ok(seed).variants.map((v) => [v.name, v.verifyChecks]));
    const redisClient = {
      name: 'redis client',
      command: ['python', '-c', 'import redis, platform; print(redis.__version__, platform.machine())'],
      expect: '^5\\.0\\.1 aarch64|^5\\.0\\.1 x86_64',
      network: 'host',
      timeout: 30,
    };
    // Checks without a command replace uname -m; a command brings the architecture check back.
    assert.deepEqual(byName.redis, [redisClient]);
    assert.deepEqual(byName.minimal, [{ name: 'architecture', command: ['arch'] }, redisClient]);
    assert.deepEqual(byName.sqs, [{ name: 'boto', command: ['python', '-c', 'import boto3'] }]);
    assert.ok(new RegExp(redisClient.expect, 'm').test('5.0.1 aarch64'));
  });

  it('runs uname -m as the architecture check when nothing is configured', () => {
    assert.deepEqual(ok('image: app\n').variants[0]!.verifyChecks, [
      { name: 'architecture', command: ['uname', '-m'] },
    ]);
  });

  it('rejects an expect that is not a regular expression, at its line', () => {
    const p = only('image: app\nverify:\n  checks:\n    - name: a\n      command: [x]\n      expect: "(unclosed"\n');
    assert.equal(p.line, 6);
    assert.match(
      p.message,
      /expect is not a valid regular expression: .*; escape special characters with a backslash \(\\\. for a dot\)/,
    );
  });

  it('rejects two checks of one name, and a check named like verify.command’s', () => {
    const p = only(
      'image: app\nvariants:\n  a:\n    verify:\n      checks:\n        - {name: x, command: [x]}\n        - {name: x, command: [y]}\n',
    );
    assert.equal(p.line, 7);
    assert.match(p.message, /check name "x" is used twice; give each check its own name/);
    const q = only('image: app\nverify:\n  command: [arch]\n  checks:\n    - {name: architecture, command: [y]}\n');
    assert.match(q.message, /verify.command is the "architecture" check/);
  });

  it('rejects a check without a command, an unknown key and a non-positive timeout', () => {
    assert.match(only('image: app\nverify:\n  checks:\n    - {name: a}\n').message, /command/);
    assert.match(only('image: app\nverify:\n  checks:\n    - {name: a, command: [x], expcet: y}\n').message, /expcet/);
    assert.match(
      only('image: app\nverify:\n  checks:\n    - {name: a, command: [x], timeout: 0}\n').message,
      /timeout/,
    );
  });
});
