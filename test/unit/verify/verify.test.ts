import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildRecord } from '../../../src/core/results/types';
import type { ToolRunner } from '../../../src/core/sizes/runTool';
import { actualMachine, expectedMachines, isNative, qemuName } from '../../../src/core/verify/machines';
import { binfmtHandler, verifyBuilds, verifyCell } from '../../../src/core/verify/runVerify';
import { runArgv } from '../../../src/core/verify/verifyArgs';
import { readVerifyResults, writeVerifyResults } from '../../../src/core/verify/verifyStore';

const rec = (over: Partial<BuildRecord>): BuildRecord => ({
  variant: 'minimal',
  platform: 'linux/amd64',
  engine: 'podman',
  output: 'load',
  status: 'succeeded',
  startedAt: '2026-11-27T05:00:00Z',
  durationMs: 1,
  image: 'localhost/queue:minimal',
  ...over,
});

/** A runner answering like an engine would, recording the argv it was given. */
function answering(stdout: string, exitCode = 0, extra: Partial<{ stderr: string; timedOut: boolean }> = {}) {
  const calls: string[][] = [];
  const run: ToolRunner = async (argv) => {
    calls.push(argv);
    return { exitCode, stdout, stderr: extra.stderr ?? '', timedOut: extra.timedOut ?? false };
  };
  return { run, calls };
}

const fixed = { now: () => new Date('2026-11-27T06:00:00Z'), hostArch: 'amd64' };

describe('expected machines', () => {
  it('maps every platform to what uname -m prints there', () => {
    assert.deepEqual(expectedMachines('linux/amd64'), ['x86_64']);
    assert.deepEqual(expectedMachines('linux/arm64'), ['aarch64']);
    assert.deepEqual(expectedMachines('linux/arm/v7'), ['armv7l']);
    assert.deepEqual(expectedMachines('linux/arm/v6'), ['armv6l']);
    assert.deepEqual(expectedMachines('linux/386'), ['i686', 'i386']);
    assert.deepEqual(expectedMachines('linux/ppc64le'), ['ppc64le']);
    assert.deepEqual(expectedMachines('linux/s390x'), ['s390x']);
    assert.deepEqual(expectedMachines('linux/riscv64'), ['riscv64']);
    assert.equal(expectedMachines('windows/amd64'), undefined);
  });

  it('knows native platforms and QEMU handler names', () => {
    assert.ok(isNative('linux/amd64', 'amd64'));
    assert.ok(isNative('linux/386', 'amd64'));
    assert.ok(!isNative('linux/arm64', 'amd64'));
    assert.ok(isNative('linux/arm64', 'arm64'));
    assert.equal(qemuName('linux/arm64'), 'aarch64');
    assert.equal(qemuName('linux/arm/v7'), 'arm');
  });

  it('takes the last non-empty output line as the machine', () => {
    assert.equal(actualMachine('x86_64\n'), 'x86_64');
    assert.equal(actualMachine('WARNING: image platform mismatch\r\naarch64\r\n\n'), 'aarch64');
    assert.equal(actualMachine(''), '');
  });
});

describe('verify argv', () => {
  it('runs the command as the entrypoint for the platform, for docker and podman', () => {
    assert.deepEqual(runArgv('docker', 'linux/arm64', 'q:redis-arm64', ['uname', '-m']), [
      'docker', 'run', '--rm', '--platform', 'linux/arm64', '--entrypoint', 'uname', 'q:redis-arm64', '-m',
    ]);
    assert.deepEqual(runArgv('podman', 'linux/amd64', 'q', ['/bin/busybox', 'uname', '-m'], '/usr/bin/podman'), [
      '/usr/bin/podman', 'run', '--rm', '--platform', 'linux/amd64', '--entrypoint', '/bin/busybox', 'q', 'uname', '-m',
    ]);
    assert.deepEqual(runArgv('buildx', 'linux/amd64', 'q', []).slice(0, 1), ['docker']);
    assert.deepEqual(runArgv('buildx', 'linux/amd64', 'q', []).slice(-3), ['uname', 'q', '-m']);
  });
});

describe('verifying a cell', () => {
  it('passes when the image reports the expected machine', async () => {
    const { run, calls } = answering('aarch64\n');
    const r = await verifyCell(rec({ platform: 'linux/arm64' }), { ...fixed, run, hasEmulator: async () => true });
    assert.deepEqual(r, {
      variant: 'minimal', platform: 'linux/arm64', image: 'localhost/queue:minimal', expected: ['aarch64'],
      actual: 'aarch64', status: 'pass', emulated: true, at: '2026-11-27T06:00:00.000Z',
    });
    assert.deepEqual(calls[0]!.slice(0, 5), ['podman', 'run', '--rm', '--platform', 'linux/arm64']);
  });

  it('fails with what the image printed when the machine is wrong', async () => {
    const { run } = answering('x86_64\n');
    const r = await verifyCell(rec({ platform: 'linux/arm64' }), { ...fixed, run, hasEmulator: async () => true });
    assert.equal(r.status, 'fail');
    assert.equal(r.actual, 'x86_64');
    assert.equal(r.output, 'x86_64');
    assert.equal(r.reason, 'expected aarch64, the image reported x86_64');
  });

  it('fails with the engine’s output on a non-zero exit or a timeout', async () => {
    const bad = answering('', 126, { stderr: 'exec format error' });
    const r = await verifyCell(rec({}), { ...fixed, run: bad.run });
    assert.equal(r.status, 'fail');
    assert.equal(r.output, 'exec format error');
    assert.match(r.reason ?? '', /exited with code 126/);
    const slow = answering('', -1, { timedOut: true });
    assert.match((await verifyCell(rec({}), { ...fixed, run: slow.run })).reason ?? '', /timed out running uname -m/);
  });

  it('skips, saying why, when there is no emulator, no image or no known machine', async () => {
    const { run, calls } = answering('never');
    const noQemu = await verifyCell(rec({ platform: 'linux/s390x' }), { ...fixed, run, hasEmulator: async () => false });
    assert.equal(noQemu.status, 'skipped');
    assert.match(noQemu.reason ?? '', /no emulator for linux\/s390x .*update-binfmts --enable qemu-s390x/);
    const noImage = { ...rec({ output: 'oci' }), image: undefined };
    assert.match((await verifyCell(noImage, { ...fixed, run })).reason ?? '', /no runnable image \(output "oci"\)/);
    assert.match((await verifyCell(rec({ platform: 'linux/mips64le' }), { ...fixed, run })).reason ?? '', /no known machine name/);
    assert.equal(calls.length, 0, 'nothing is run for a skipped cell');
  });

  it('uses the variant’s verify.command and verifies only the newest successful build of each cell', async () => {
    const { run, calls } = answering('x86_64');
    const results = await verifyBuilds(
      [
        rec({ image: 'old' }),
        rec({ image: 'new', startedAt: '2026-11-27T05:30:00Z' }),
        rec({ variant: 'redis', status: 'failed' }),
        rec({ variant: 'sqs', image: 'sqs' }),
      ],
      { ...fixed, run, commandFor: (v) => (v === 'sqs' ? ['arch'] : undefined), variants: ['minimal', 'sqs'] },
    );
    assert.deepEqual(results.map((r) => [r.variant, r.status]), [['minimal', 'pass'], ['sqs', 'pass']]);
    assert.deepEqual(calls.map((c) => c.slice(-2)), [['new', '-m'], ['arch', 'sqs']]);
  });
});

describe('binfmt handlers and stored results', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'verify-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the handler state from binfmt_misc', async () => {
    writeFileSync(join(dir, 'status'), 'enabled\n');
    writeFileSync(join(dir, 'qemu-aarch64'), 'enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\n');
    writeFileSync(join(dir, 'qemu-arm'), 'disabled\n');
    assert.equal(await binfmtHandler('linux/arm64', dir), true);
    assert.equal(await binfmtHandler('linux/arm/v7', dir), false);
    assert.equal(await binfmtHandler('linux/s390x', dir), false);
    assert.equal(await binfmtHandler('linux/s390x', join(dir, 'unmounted')), undefined);
  });

  it('merges new results per cell into .multiarch/verify.json', async () => {
    const base = { expected: ['x86_64'], at: 't' };
    await writeVerifyResults(dir, [{ ...base, variant: 'a', platform: 'linux/amd64', status: 'fail' }]);
    await writeVerifyResults(dir, [{ ...base, variant: 'b', platform: 'linux/amd64', status: 'pass' }]);
    await writeVerifyResults(dir, [{ ...base, variant: 'a', platform: 'linux/amd64', status: 'pass' }]);
    assert.deepEqual((await readVerifyResults(dir)).map((r) => [r.variant, r.status]), [['a', 'pass'], ['b', 'pass']]);
    mkdirSync(join(dir, 'empty'));
    assert.deepEqual(await readVerifyResults(join(dir, 'empty')), []);
  });
});
