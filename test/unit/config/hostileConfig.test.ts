// The hostile-config suite: every key of multiarch.yaml given values meant to escape the project, inject
// options, break command lines or exhaust the parser. Each must end as located config problems, or as a
// config whose every command line keeps the value inert (an option's value, never an option of its own), and
// whose paths outside the project are flagged for refusal.
import * as assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { parseConfig } from '../../../src/core/config/loadConfig';
import { buildPlan } from '../../../src/core/matrix/plan';
import type { EngineKind } from '../../../src/core/jobs';
import { containerName, runArgv } from '../../../src/core/verify/verifyArgs';

const FILE = '/work/proj/multiarch.yaml';
const HOSTILE = '__HOSTILE__';

const base = () => ({
  image: 'app',
  tag: 'v1',
  platforms: ['linux/amd64'],
  args: { X: '1' },
  tags: ['{image}:{tag}-{variant}'],
  verify: { command: ['uname', '-m'], checks: [{ name: 'c', command: ['true'], network: 'none', timeout: 5 }] },
  nodes: [{ name: 'n', engine: 'podman', endpoint: 'tcp://127.0.0.1:9', platforms: ['linux/arm64'] }],
  variants: {
    a: {
      args: { Y: '2' },
      platforms: ['linux/amd64'],
      tags: ['{image}:{variant}'],
      verify: { command: ['uname', '-m'], checks: [{ name: 'c', command: ['true'], network: 'none', timeout: 5 }] },
    },
  } as Record<string, unknown>,
});

/** Where a hostile value goes: a path of keys (the last may be the key itself, `KEY`). */
const keys: string[][] = [
  ['KEY'],
  ['image'],
  ['tag'],
  ['dockerfile'],
  ['context'],
  ['target'],
  ['variantArg'],
  ['platforms', '0'],
  ['args', 'X'],
  ['args', 'KEY'],
  ['tags', '0'],
  ['archTag'],
  ['registry'],
  ['output'],
  ['verify', 'command', '0'],
  ['verify', 'checks', '0', 'name'],
  ['verify', 'checks', '0', 'command', '0'],
  ['verify', 'checks', '0', 'expect'],
  ['verify', 'checks', '0', 'network'],
  ['verify', 'checks', '0', 'timeout'],
  ['verify', 'KEY'],
  ['nodes', '0', 'name'],
  ['nodes', '0', 'endpoint'],
  ['nodes', '0', 'engine'],
  ['nodes', '0', 'platforms', '0'],
  ['variants', 'KEY'],
  ['variants', 'a', 'args', 'Y'],
  ['variants', 'a', 'platforms', '0'],
  ['variants', 'a', 'target'],
  ['variants', 'a', 'dockerfile'],
  ['variants', 'a', 'tags', '0'],
  ['variants', 'a', 'args', 'KEY'],
  ['variants', 'a', 'verify', 'command', '0'],
  ['variants', 'a', 'verify', 'checks', '0', 'name'],
  ['variants', 'a', 'verify', 'checks', '0', 'command', '0'],
  ['variants', 'a', 'verify', 'checks', '0', 'expect'],
  ['variants', 'a', 'verify', 'checks', '0', 'network'],
  ['variants', 'a', 'verify', 'checks', '0', 'timeout'],
];

const bomb = `[${Array.from({ length: 9 }, (_, i) =>
  i === 0
    ? `&a0 [${Array(10).fill('"lol"').join(',')}]`
    : `&a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(',')}]`,
).join(', ')}]`;

/** Hostile values as YAML text (placed verbatim) and as the string they decode to, when they are one. */
const values: { name: string; yaml: string; text?: string }[] = [
  { name: 'path traversal', yaml: JSON.stringify('../../../../etc'), text: '../../../../etc' },
  { name: 'absolute path', yaml: JSON.stringify('/etc/passwd'), text: '/etc/passwd' },
  { name: 'option injection', yaml: JSON.stringify('--privileged'), text: '--privileged' },
  { name: 'option with value', yaml: JSON.stringify('-v=/:/host'), text: '-v=/:/host' },
  { name: 'NUL', yaml: '"a\\0b"', text: 'a\0b' },
  { name: 'newline', yaml: '"a\\nY=injected"', text: 'a\nY=injected' },
  { name: 'huge', yaml: JSON.stringify('x'.repeat(200_000)), text: 'x'.repeat(200_000) },
  { name: 'unicode', yaml: JSON.stringify('ünï/çødé‮𝔘'), text: 'ünï/çødé‮𝔘' },
  { name: 'deep', yaml: '['.repeat(5000) + ']'.repeat(5000) },
  { name: 'alias bomb', yaml: bomb },
];

function configText(path: string[], yaml: string): string {
  const doc = base() as Record<string, unknown>;
  let node: Record<string, unknown> = doc;
  for (const [i, key] of path.entries()) {
    const last = i === path.length - 1;
    if (key === 'KEY') {
      node[HOSTILE] = {};
      break;
    }
    if (last) node[key] = HOSTILE;
    else node = node[key] as Record<string, unknown>;
  }
  const text = stringify(doc, { lineWidth: 0 });
  return text.replace(HOSTILE, path[path.length - 1] === 'KEY' ? yaml.replace(/^"|"$/g, '"') : yaml);
}

const engines: EngineKind[] = ['podman', 'docker', 'buildx'];
/** Options whose next argument is their value (so a value starting with "-" there is inert). */
const takesValue = /^(-[a-zA-Z]|--[a-z-]+)$/;

/** No NUL, no argument over the limit, and the hostile value never stands as an option of its own. */
function assertInert(argv: string[], text: string): void {
  argv.forEach((arg, i) => {
    assert.ok(!arg.includes('\0'), `NUL in ${argv.join(' ')}`);
    assert.ok(arg.length <= 65_536 + 64, `${arg.length}-character argument`);
    if (arg === text && arg.startsWith('-'))
      assert.match(argv[i - 1] ?? '', takesValue, `"${text}" stands as an option: ${argv.join(' ')}`);
  });
}

describe('a hostile config', () => {
  for (const path of keys) {
    for (const value of values) {
      it(`${path.join('.')} × ${value.name}: located problems, or every command line keeps it inert`, () => {
        const r = parseConfig(configText(path, value.yaml), FILE);
        if (!r.ok) {
          assert.ok(r.problems.length > 0);
          for (const p of r.problems) {
            assert.equal(p.file, FILE);
            assert.ok(p.line >= 1 && p.column >= 1, JSON.stringify(p));
            assert.ok(p.message.length > 10 && p.message.length < 2000, p.message.slice(0, 200));
          }
          return;
        }
        const text = value.text;
        if (text === undefined) return;
        // Paths outside the project are carried for refusal (prepareBuild refuses them without an opt-in).
        if (['context', 'dockerfile'].includes(path[path.length - 1]!) && text.includes('etc'))
          assert.ok(r.config.outside?.length, 'a path outside the project was not flagged');
        for (const engine of engines) {
          const plan = buildPlan(r.config, { engine, variants: [], platforms: [], bake: false });
          for (const job of plan.jobs)
            for (const argv of [job.argv, ...(job.before ?? []), ...(job.after ?? [])]) assertInert(argv, text);
          // The verify checks run the image with a check's program and network as option values.
          for (const v of r.config.variants) {
            const platform = v.platforms[0]!;
            for (const check of v.verifyChecks.length ? v.verifyChecks : [{ command: [], network: undefined }]) {
              const name = containerName(v.name, platform, 'x');
              const network = check.network !== undefined ? { network: check.network } : {};
              assertInert(runArgv(engine, { platform, image: 'app', command: check.command, name, ...network }), text);
            }
          }
        }
      });
    }
  }

  it('a config over 1 MB is refused, located', () => {
    const r = parseConfig(`image: app\n# ${'x'.repeat(1_000_001)}\n`, FILE);
    assert.ok(!r.ok);
    assert.match(r.problems[0]!.message, /over the limit of 1000000 \(1 MB\)/);
  });

  it('more than 1,000 variants are refused at "variants:"', () => {
    const text = `image: app\nvariants:\n${Array.from({ length: 1001 }, (_, i) => `  v${i}: {}\n`).join('')}`;
    const r = parseConfig(text, FILE);
    assert.ok(!r.ok);
    assert.deepEqual([r.problems[0]!.line, r.problems[0]!.path], [2, '/variants']);
    assert.match(r.problems[0]!.message, /1001 variants, over the limit of 1000/);
    assert.ok(parseConfig(text.replace(/ {2}v1000: \{\}\n/, ''), FILE).ok);
  });

  it('a NUL and a 200 KB build arg, registry "--insecure" and an upper-case registry host are config errors', () => {
    const problems = (yaml: string) => {
      const r = parseConfig(`image: app\n${yaml}`, FILE);
      return r.ok ? [] : r.problems.map((p) => `${p.line}:${p.column} ${p.message}`);
    };
    assert.match(problems('args:\n  A: "a\\0b"\n')[0] ?? '', /^3:6 "args\.A" contains a NUL character/);
    assert.match(
      problems(`args:\n  A: "${'x'.repeat(200_000)}"\n`)[0] ?? '',
      /^3:6 "args\.A" is 200000 characters, over the limit of 65536/,
    );
    assert.match(problems('registry: "--insecure"\n')[0] ?? '', /^2:11 "--insecure" is not a registry/);
    assert.match(
      problems('tags: ["UPPER/{image}:{tag}"]\n')[0] ?? '',
      /^2:8 .*registry host "UPPER" has upper-case letters/,
    );
  });
});
