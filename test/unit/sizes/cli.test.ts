import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as report } from '../../../src/cli/commands/report';
import { run as sizes } from '../../../src/cli/commands/sizes';
import { run as verify } from '../../../src/cli/commands/verify';
import { capturingIO } from '../helpers/cliIO';
import { GZIP, LayoutBuilder } from './ociFixture';

const io = (cwd: string) => capturingIO(cwd);

describe('multiarch sizes / verify / report', () => {
  let root: string;
  let expected: number[];
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cli-sizes-'));
    writeFileSync(join(root, 'Dockerfile'), 'FROM scratch\n');
    writeFileSync(
      join(root, 'multiarch.yaml'),
      'image: demo\nplatforms: [linux/amd64, linux/arm64]\nvariants:\n  minimal: {}\n  redis: {}\n',
    );
    const b = new LayoutBuilder(join(root, '.multiarch', 'out', 'minimal'));
    const amd = b.image('amd64', [[700, GZIP]]);
    const arm = b.image('arm64', [[650, GZIP]]);
    b.writeTop([b.index([amd, arm])]);
    expected = [amd.expected, arm.expected];
    const rec = (platform: string) => ({
      variant: 'minimal',
      platform,
      engine: 'podman',
      engineVersion: '4.3.1',
      output: 'oci',
      status: 'succeeded',
      startedAt: '2026-11-27T05:00:00.000Z',
      durationMs: 3000,
      ociPath: '.multiarch/out/minimal',
    });
    writeFileSync(
      join(root, '.multiarch', 'results.json'),
      JSON.stringify({
        version: 1,
        cells: { 'minimal@linux/amd64': [rec('linux/amd64')], 'minimal@linux/arm64': [rec('linux/arm64')] },
      }),
    );
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('sizes --json prints one row per built cell with the documented keys', async () => {
    const o = io(root);
    assert.equal(await sizes(['--json'], o), 0, o.stderr);
    const rows = JSON.parse(o.stdout) as Array<Record<string, unknown>>;
    assert.deepEqual(
      rows.map((r) => [r.variant, r.platform, r.compressed, r.uncompressed, r.layers, r.source]),
      [
        ['minimal', 'linux/amd64', expected[0], null, 1, 'oci-layout'],
        ['minimal', 'linux/arm64', expected[1], null, 1, 'oci-layout'],
      ],
    );
    assert.ok(rows.every((r) => typeof r.digest === 'string' && 'created' in r));
  });

  it('sizes prints a table and filters by --variant; an unknown variant is a usage error', async () => {
    const o = io(root);
    assert.equal(await sizes(['--variant', 'minimal'], o), 0);
    assert.match(o.stdout, /^VARIANT\s+PLATFORM\s+COMPRESSED/);
    assert.match(o.stdout, /minimal\s+linux\/arm64\s+\d/);
    const none = io(root);
    assert.equal(await sizes(['--variant', 'redis', '--json'], none), 0);
    assert.deepEqual(JSON.parse(none.stdout), []);
    const bad = io(root);
    assert.equal(await sizes(['--variant', 'nope'], bad), 2);
    assert.match(bad.stderr, /unknown variant "nope" \(variants: minimal, redis\)/);
  });

  it('verify skips OCI-only builds with the reason and exits 0', async () => {
    const o = io(root);
    assert.equal(await verify(['--json'], o), 0, o.stderr);
    const results = JSON.parse(o.stdout) as Array<{ status: string; reason: string }>;
    assert.deepEqual(
      results.map((r) => r.status),
      ['skipped', 'skipped'],
    );
    assert.match(results[0]!.reason, /no runnable image/);
    assert.ok(readFileSync(join(root, '.multiarch', 'verify.json'), 'utf8').includes('"skipped"'));
  });

  it('report --out writes the Markdown report with the measured sizes', async () => {
    const o = io(root);
    assert.equal(await report(['--out', 'reports/results.md'], o), 0, o.stderr);
    const text = readFileSync(join(root, 'reports', 'results.md'), 'utf8');
    assert.match(text, /^# Multi-Arch build results/);
    assert.match(
      text,
      /\| minimal \| amd64, arm64 \| 3\.0 s \| amd64 \d+ B · arm64 \d+ B \| amd64 not measured · arm64 not measured \|/,
    );
    assert.match(o.stderr, /wrote .*results\.md/);
  });

  it('a bad config exits 2 with a located message', async () => {
    writeFileSync(join(root, 'multiarch.yaml'), 'platforms: [linux/amd46]\n');
    const o = io(root);
    assert.equal(await sizes([], o), 2);
    assert.match(o.stderr, /multiarch\.yaml:1:\d+: error:/);
  });
});
