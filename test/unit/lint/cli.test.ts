import { strict as assert } from 'node:assert';
import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capturingIO } from '../helpers/cliIO';
import { run as fix } from '../../../src/cli/commands/fix';
import { run as lint } from '../../../src/cli/commands/lint';

const io = (cwd: string) => capturingIO(cwd);

describe('multiarch lint / fix', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'multiarch-lint-'));
    await writeFile(join(dir, 'Dockerfile'), 'FROM alpine as build\nMAINTAINER me\n');
    await writeFile(join(dir, 'clean.Dockerfile'), 'FROM alpine\nCMD ["true"]\n');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('fix applies safe fixes only; JSON lists the suggestions it left', async () => {
    await writeFile(join(dir, 'Dockerfile'), 'from alpine as build\nENV PATH=$PAHT:/x\n');
    assert.equal(await fix([], io(dir)), 0);
    assert.equal(await readFile(join(dir, 'Dockerfile'), 'utf8'), 'FROM alpine AS build\nENV PATH=$PAHT:/x\n');
    const out = io(dir);
    await lint(['--format', 'json'], out);
    const rows = JSON.parse(out.stdout) as Array<{
      rule: string;
      fixable: boolean;
      suggestions: Array<{ title: string }>;
    }>;
    assert.deepEqual(
      rows.map((r) => [r.rule, r.fixable, r.suggestions]),
      [['UndefinedVar', false, [{ title: 'Change to $PATH' }]]],
    );
  });

  it('fix keeps every byte it does not edit, invalid UTF-8 included', async () => {
    const before = Buffer.concat([
      Buffer.from('from alpine as build\nRUN echo caf'),
      Buffer.from([0xe9, 0x20, 0xff, 0xc3]),
      Buffer.from(' \u00e9t\u00e9\n'),
    ]);
    await writeFile(join(dir, 'Dockerfile'), before);
    assert.equal(await fix([], io(dir)), 0);
    const after = await readFile(join(dir, 'Dockerfile'));
    assert.deepEqual(
      after,
      Buffer.concat([
        Buffer.from('FROM alpine AS build\nRUN echo caf'),
        Buffer.from([0xe9, 0x20, 0xff, 0xc3]),
        Buffer.from(' \u00e9t\u00e9\n'),
      ]),
    );
  });

  it('--version names the BuildKit release the checks follow', async () => {
    const out = io(dir);
    assert.equal(await lint(['--version'], out), 0);
    assert.match(out.stdout, /BuildKit v0\.32 \(Dockerfile frontend 1\.26\.0/);
  });

  it('exits 1 on a file BuildKit refuses (unknown instruction or binary), and fix leaves it alone', async () => {
    await writeFile(join(dir, 'bad.Dockerfile'), 'from alpine AS x\nFOOBAR x\n');
    await writeFile(join(dir, 'blob.Dockerfile'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]));
    const out = io(dir);
    assert.equal(await lint(['bad.Dockerfile', 'blob.Dockerfile'], out), 1);
    assert.match(out.stdout, /bad\.Dockerfile:2:1: error MultiArch\/ParseError: unknown instruction: FOOBAR/);
    assert.match(out.stdout, /blob\.Dockerfile:1:1: error MultiArch\/ParseError: this is not a Dockerfile/);
    assert.equal(await fix(['bad.Dockerfile'], io(dir)), 0);
    assert.equal(await readFile(join(dir, 'bad.Dockerfile'), 'utf8'), 'from alpine AS x\nFOOBAR x\n');
  });

  it('prints compiler-style lines and exits 0 when there are only warnings', async () => {
    const out = io(dir);
    assert.equal(await lint([], out), 0);
    assert.equal(
      out.stdout,
      "Dockerfile:1:13: warning FromAsCasing: 'as' and 'FROM' keywords' casing do not match\n" +
        'Dockerfile:2:1: warning MaintainerDeprecated: Maintainer instruction is deprecated in favor of using label\n',
    );
  });

  it('--strict fails on any finding; a clean file passes', async () => {
    assert.equal(await lint(['--strict', 'Dockerfile'], io(dir)), 1);
    assert.equal(await lint(['--strict', 'clean.Dockerfile'], io(dir)), 0);
  });

  it('exits 1 on errors (check=error=true)', async () => {
    await writeFile(join(dir, 'Dockerfile'), '# check=error=true\nFROM alpine as build\n');
    const out = io(dir);
    assert.equal(await lint(['Dockerfile'], out), 1);
    assert.match(out.stdout, /^Dockerfile:2:13: error FromAsCasing: /);
  });

  it('--format json gives file, rule, severity, message, 0-based range and fixable', async () => {
    const out = io(dir);
    await lint(['--format', 'json', 'Dockerfile'], out);
    const rows = JSON.parse(out.stdout) as unknown[];
    assert.deepEqual(rows[0], {
      file: 'Dockerfile',
      rule: 'FromAsCasing',
      severity: 'warning',
      message: "'as' and 'FROM' keywords' casing do not match",
      range: { start: { line: 0, character: 12 }, end: { line: 0, character: 14 } },
      fixable: true,
      suggestions: [],
    });
    assert.equal(rows.length, 2);
  });

  it('--format sarif is SARIF 2.1.0 with rule help links and 1-based regions', async () => {
    const out = io(dir);
    await lint(['--format', 'sarif', 'Dockerfile'], out);
    const sarif = JSON.parse(out.stdout) as {
      version: string;
      runs: {
        tool: { driver: { rules: { id: string; helpUri?: string }[] } };
        results: {
          ruleId: string;
          level: string;
          locations: { physicalLocation: { region: { startLine: number; startColumn: number } } }[];
        }[];
      }[];
    };
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0];
    assert.equal(
      run.tool.driver.rules.find((r) => r.id === 'FromAsCasing')?.helpUri,
      'https://docs.docker.com/reference/build-checks/from-as-casing/',
    );
    assert.deepEqual(run.results[0].locations[0].physicalLocation.region, {
      startLine: 1,
      startColumn: 13,
      endLine: 1,
      endColumn: 15,
    });
    assert.equal(run.results[0].level, 'warning');
  });

  it('an unknown flag exits 2 with the help; --help exits 0', async () => {
    const a = io(dir);
    assert.equal(await lint(['--nope'], a), 2);
    assert.match(a.stderr, /multiarch lint: .*--nope[\s\S]*multiarch lint \[FILES\.\.\.\]/);
    const b = io(dir);
    assert.equal(await fix(['--help'], b), 0);
    assert.match(b.stdout, /^multiarch fix \[FILES\.\.\.\] \[--rule R\]\.\.\. \[--stdout\]/);
  });

  it('rejects a bad format and a missing file with exit 2 and a next step', async () => {
    const a = io(dir);
    assert.equal(await lint(['--format', 'xml'], a), 2);
    assert.match(a.stderr, /--format must be text, json or sarif/);
    const b = io(dir);
    assert.equal(await lint(['nope/Dockerfile'], b), 2);
    assert.match(b.stderr, /cannot read nope\/Dockerfile: ENOENT; check the path/);
  });

  it('fix rewrites the file atomically, keeping its mode and leaving no temp file', async () => {
    const file = join(dir, 'Dockerfile');
    await chmod(file, 0o640);
    const out = io(dir);
    assert.equal(await fix(['Dockerfile'], out), 0);
    // MAINTAINER → LABEL changes the image (its Author field): a suggestion, left alone.
    assert.equal(await readFile(file, 'utf8'), 'FROM alpine AS build\nMAINTAINER me\n');
    assert.equal((await stat(file)).mode & 0o777, 0o640);
    assert.deepEqual((await readdir(dir)).sort(), ['Dockerfile', 'clean.Dockerfile']);
    assert.match(out.stderr, /Dockerfile: 1 fix applied/);
  });

  it('fix writes through a symlinked Dockerfile: the link stays, the shared target is fixed', async () => {
    const { symlink, lstat } = await import('node:fs/promises');
    await writeFile(join(dir, 'shared.Dockerfile'), 'FROM alpine as build\n');
    await rm(join(dir, 'Dockerfile'));
    await symlink('shared.Dockerfile', join(dir, 'Dockerfile'));
    assert.equal(await fix(['Dockerfile'], io(dir)), 0);
    assert.ok((await lstat(join(dir, 'Dockerfile'))).isSymbolicLink(), 'the link was replaced by a file');
    assert.equal(await readFile(join(dir, 'shared.Dockerfile'), 'utf8'), 'FROM alpine AS build\n');
  });

  it('fix --rule limits the fixes; --stdout prints instead of writing', async () => {
    const out = io(dir);
    assert.equal(await fix(['--rule', 'FromAsCasing', '--stdout', 'Dockerfile'], out), 0);
    assert.equal(out.stdout, 'FROM alpine AS build\nMAINTAINER me\n');
    assert.equal(await readFile(join(dir, 'Dockerfile'), 'utf8'), 'FROM alpine as build\nMAINTAINER me\n');
  });

  it('fix rejects unknown rules and leaves binary files alone', async () => {
    const a = io(dir);
    assert.equal(await fix(['--rule', 'Nope'], a), 2);
    assert.match(a.stderr, /unknown rule "Nope"; known rules: ConsistentInstructionCasing/);
    await writeFile(join(dir, 'bin.Dockerfile'), Buffer.from([0x46, 0x00, 0x52]));
    const b = io(dir);
    assert.equal(await fix(['bin.Dockerfile'], b), 0);
    assert.match(b.stderr, /not a text file; skipped/);
  });

  it('keeps CRLF and a BOM when fixing', async () => {
    await writeFile(join(dir, 'Dockerfile'), '\uFEFFFROM alpine as build\r\nMAINTAINER me\r\n');
    await fix(['Dockerfile'], io(dir));
    assert.equal(await readFile(join(dir, 'Dockerfile'), 'utf8'), '\uFEFFFROM alpine AS build\r\nMAINTAINER me\r\n');
  });

  it('a multiarch.yaml next to the Dockerfile over a limit or invalid: lint and fix exit 2 naming its line', async () => {
    const config = join(dir, 'multiarch.yaml');
    const variants = Array.from({ length: 2000 }, (_, i) => `  v${i}: {}\n`).join('');
    for (const [text, problem] of [
      [`image: app\nvariants:\n${variants}`, /:2:1: error: 2000 variants, over the limit of 1000/],
      [
        'image: app\nplatforms: [linux/amd64]\nregistry: "--insecure"\n',
        /:3:11: error: "--insecure" is not a registry/,
      ],
    ] as const) {
      await writeFile(config, text);
      for (const command of [lint, fix]) {
        const out = io(dir);
        assert.equal(await command(['Dockerfile'], out), 2, out.stderr);
        assert.match(out.stderr, new RegExp(`^${config}${problem.source}`, 'm'));
        assert.equal(out.stdout, '');
      }
      assert.equal(await readFile(join(dir, 'Dockerfile'), 'utf8'), 'FROM alpine as build\nMAINTAINER me\n');
    }
  });

  it('reads .dockerignore and multiarch.yaml next to the Dockerfile', async () => {
    await writeFile(join(dir, '.dockerignore'), '*.env\n');
    await writeFile(join(dir, 'multiarch.yaml'), 'image: x\nplatforms: [linux/amd64, linux/arm64]\n');
    await writeFile(
      join(dir, 'Dockerfile'),
      '# check=experimental=CopyIgnoredFile\nFROM debian\nCOPY app.env /\nRUN curl -o /t https://x.example/amd64/t\n',
    );
    const out = io(dir);
    await lint(['Dockerfile'], out);
    assert.match(
      out.stdout,
      /warning CopyIgnoredFile: Attempting to Copy file "app.env" that is excluded by .dockerignore/,
    );
    assert.match(out.stdout, /warning MultiArch\/HardcodedArch: /);
  });
});
