import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildRecord } from '../../../src/core/results/types';
import type { ToolRunner } from '../../../src/core/engines/exec';
import { toolResult } from '../helpers/toolResult';
import { fixture } from '../engines/fixture';
import { judgeCheck } from '../../../src/core/verify/judgeCheck';
import { expectedMachines, isNative, machinesIn, qemuName } from '../../../src/core/verify/machines';
import { binfmtHandler, verifyBuilds, verifyCell } from '../../../src/core/verify/runVerify';
import { containerName, removeArgv, runArgv } from '../../../src/core/verify/verifyArgs';
import { checkLines } from '../../../src/core/verify/types';
import { verifyText } from '../../../src/core/verify/verifyText';
import { readVerifyResults, writeVerifyResults } from '../../../src/core/verify/verifyStore';
import { buildRecord } from '../helpers/buildRecord';

const rec = (over: Partial<BuildRecord>): BuildRecord =>
  buildRecord({
    engine: 'docker',
    output: 'load',
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
    return toolResult({ exitCode, stdout, stderr: extra.stderr ?? '', timedOut: extra.timedOut ?? false });
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

  it('finds machine names as words anywhere in the output, in order', () => {
    assert.deepEqual(machinesIn('x86_64\n'), ['x86_64']);
    assert.deepEqual(machinesIn('✅ Redis 5.0.1 on aarch64'), ['aarch64']);
    assert.deepEqual(machinesIn('Python: 3.11.14 (main)\nMachine: aarch64\n/usr/lib/x86_64-linux-gnu'), [
      'aarch64',
      'x86_64',
    ]);
    assert.deepEqual(machinesIn('xaarch64 aarch64x x86_64y armv7'), []);
    assert.deepEqual(machinesIn(''), []);
  });
});

describe('judging a check', () => {
  const arch = { name: 'architecture', command: ['uname', '-m'] };
  const ran = (stdout: string, over: Partial<{ exitCode: number; stderr: string; timedOut: boolean }> = {}) => ({
    exitCode: 0,
    stderr: '',
    timedOut: false,
    stdout,
    ...over,
  });

  it('passes when the platform’s machine appears as a word and no other does', () => {
    assert.deepEqual(judgeCheck(arch, ran('✅ Redis 5.0.1 on aarch64\n'), { expected: ['aarch64'], timeoutS: 60 }), {
      name: 'architecture',
      status: 'pass',
      output: '✅ Redis 5.0.1 on aarch64',
      machine: 'aarch64',
    });
    const twoLines = judgeCheck(arch, ran('Python: 3.11.14 (main, Oct 21 2025)\nMachine: aarch64\n'), {
      expected: ['aarch64'],
      timeoutS: 60,
    });
    assert.equal(twoLines.status, 'pass');
    assert.equal(twoLines.output, 'Python: 3.11.14 (main, Oct 21 2025)\nMachine: aarch64');
    assert.equal(judgeCheck(arch, ran('i686'), { expected: ['i686', 'i386'], timeoutS: 60 }).machine, 'i686');
  });

  it('fails naming the other machine, or saying none was found', () => {
    const wrong = judgeCheck(arch, ran('Redis 5.0.1 on x86_64'), { expected: ['aarch64'], timeoutS: 60 });
    assert.deepEqual(
      [wrong.status, wrong.machine, wrong.reason],
      ['fail', 'x86_64', 'expected aarch64, the image reported x86_64'],
    );
    const both = judgeCheck(arch, ran('aarch64 x86_64'), { expected: ['aarch64'], timeoutS: 60 });
    assert.equal(both.reason, 'expected aarch64, the image reported x86_64');
    assert.equal(
      judgeCheck(arch, ran('Redis 5.0.1'), { expected: ['aarch64'], timeoutS: 60 }).reason,
      'expected aarch64 in the output, found no machine name',
    );
  });

  it('judges stdout, not the engine’s platform warning on stderr', () => {
    const r = judgeCheck(
      arch,
      ran('aarch64', { stderr: 'WARNING: image platform (linux/arm64) does not match the host (linux/amd64 x86_64)' }),
      { expected: ['aarch64'], timeoutS: 60 },
    );
    assert.equal(r.status, 'pass');
    assert.equal(
      judgeCheck(arch, ran('', { stderr: 'x86_64' }), { expected: ['x86_64'], timeoutS: 60 }).status,
      'pass',
      'stderr is judged when stdout is empty',
    );
  });

  it('matches expect as a multiline regular expression instead of the machine rule', () => {
    const check = { name: 'redis client', command: ['python'], expect: '^5\\.0\\.1 aarch64$' };
    const pass = judgeCheck(check, ran('warming up\n5.0.1 aarch64\n'), { expected: ['aarch64'], timeoutS: 60 });
    assert.deepEqual(pass, {
      name: 'redis client',
      status: 'pass',
      output: 'warming up\n5.0.1 aarch64',
      expect: check.expect,
    });
    const fail = judgeCheck(check, ran('4.0.0 aarch64\n'), { expected: ['aarch64'], timeoutS: 60 });
    assert.deepEqual(fail, {
      name: 'redis client',
      status: 'fail',
      output: '4.0.0 aarch64',
      reason: 'output does not match ^5\\.0\\.1 aarch64$',
      expect: check.expect,
    });
  });

  it('fails on a non-zero exit or a timeout with everything printed', () => {
    const bad = judgeCheck(
      arch,
      ran('', { exitCode: 127, stderr: 'exec: "python": executable file not found in $PATH' }),
      { expected: ['x86_64'], timeoutS: 60 },
    );
    assert.deepEqual(
      [bad.status, bad.reason, bad.output],
      ['fail', 'exited with code 127', 'exec: "python": executable file not found in $PATH'],
    );
    const slow = judgeCheck(arch, ran('started', { exitCode: -1, timedOut: true }), {
      expected: ['x86_64'],
      timeoutS: 60,
    });
    assert.deepEqual([slow.status, slow.reason, slow.output], ['fail', 'timed out after 60 s', 'started']);
  });
});

describe('verify argv', () => {
  it('runs the command as the entrypoint in a named, network-less, removed container', () => {
    const spec = {
      platform: 'linux/arm64',
      image: 'q:redis-arm64',
      command: ['uname', '-m'],
      name: 'multiarch-verify-redis-arm64-00ff',
    };
    assert.deepEqual(runArgv('docker', spec), [
      'docker',
      'run',
      '--rm',
      '--name',
      'multiarch-verify-redis-arm64-00ff',
      '--network',
      'none',
      '--platform',
      'linux/arm64',
      '--entrypoint',
      'uname',
      'q:redis-arm64',
      '-m',
    ]);
    assert.deepEqual(
      runArgv('podman', { ...spec, command: ['/bin/busybox', 'uname', '-m'], network: 'host' }, '/usr/bin/podman'),
      [
        '/usr/bin/podman',
        'run',
        '--rm',
        '--name',
        'multiarch-verify-redis-arm64-00ff',
        '--network',
        'host',
        '--platform',
        'linux/arm64',
        '--entrypoint',
        '/bin/busybox',
        'q:redis-arm64',
        'uname',
        '-m',
      ],
    );
    assert.deepEqual(runArgv('buildx', { ...spec, command: [] }).slice(0, 1), ['docker']);
    assert.deepEqual(runArgv('buildx', { ...spec, command: [] }).slice(-3), ['uname', 'q:redis-arm64', '-m']);
  });

  it('removes a container at once, by name', () => {
    assert.deepEqual(removeArgv('podman', 'c1'), ['podman', 'rm', '--force', '--time', '0', 'c1']);
    assert.deepEqual(removeArgv('docker', 'c1', '/usr/bin/docker'), ['/usr/bin/docker', 'rm', '--force', 'c1']);
    assert.equal(containerName('redis', 'linux/arm/v7', 'ab12'), 'multiarch-verify-redis-armv7-ab12');
  });
});

describe('verifying a cell', () => {
  it('passes when the image reports the expected machine', async () => {
    const { run, calls } = answering('aarch64\n');
    const r = await verifyCell(rec({ platform: 'linux/arm64' }), { ...fixed, run, hasEmulator: async () => true });
    assert.deepEqual(r, {
      variant: 'minimal',
      platform: 'linux/arm64',
      image: 'localhost/queue:minimal',
      expected: ['aarch64'],
      actual: 'aarch64',
      status: 'pass',
      emulated: true,
      at: '2026-11-27T06:00:00.000Z',
      checks: [{ name: 'architecture', status: 'pass', output: 'aarch64', machine: 'aarch64' }],
    });
    assert.deepEqual(calls[0]!.slice(0, 3), ['docker', 'run', '--rm']);
    assert.match(calls[0]![4]!, /^multiarch-verify-minimal-arm64-[0-9a-f]{8}$/);
    assert.equal(calls.length, 1, 'a container that exited is not removed again (--rm did it)');
  });

  it('runs every check, fails the cell on the first failing one and keeps the others’ results', async () => {
    const outputs = ['Redis 5.0.1 on x86_64', 'x86_64'];
    const calls: string[][] = [];
    const run: ToolRunner = async (argv) => (
      calls.push(argv),
      toolResult({ exitCode: 0, stdout: outputs.shift() ?? '', stderr: '', timedOut: false })
    );
    const checks = [
      { name: 'redis client', command: ['sh', '-c', 'echo Redis'] },
      { name: 'architecture', command: ['uname', '-m'] },
    ];
    const r = await verifyCell(rec({ platform: 'linux/arm64' }), {
      ...fixed,
      run,
      hasEmulator: async () => true,
      checksFor: () => checks,
    });
    assert.equal(r.status, 'fail');
    assert.equal(r.actual, 'x86_64');
    assert.equal(r.reason, 'redis client: expected aarch64, the image reported x86_64');
    assert.equal(r.output, 'Redis 5.0.1 on x86_64');
    assert.deepEqual(
      r.checks!.map((c) => [c.name, c.status]),
      [
        ['redis client', 'fail'],
        ['architecture', 'fail'],
      ],
    );
    assert.deepEqual(
      calls.map((c) => c.slice(-3)),
      [
        ['localhost/queue:minimal', '-c', 'echo Redis'],
        ['uname', 'localhost/queue:minimal', '-m'],
      ],
    );
  });

  it('gives each check its time limit and network, and removes the container of one that timed out', async () => {
    const calls: Array<{ argv: string[]; timeoutMs?: number }> = [];
    const run: ToolRunner = async (argv, o) => {
      calls.push({ argv, ...(o?.timeoutMs ? { timeoutMs: o.timeoutMs } : {}) });
      return argv[1] === 'run'
        ? toolResult({ exitCode: -1, stdout: '', stderr: '', timedOut: true })
        : toolResult({ exitCode: 0, stdout: '', stderr: '', timedOut: false });
    };
    const checks = [
      { name: 'slow', command: ['sleep', '600'], timeout: 2, network: 'host' },
      { name: 'default', command: ['sleep', '600'] },
    ];
    const r = await verifyCell(rec({}), { ...fixed, run, checksFor: () => checks });
    assert.deepEqual(
      r.checks!.map((c) => c.reason),
      ['timed out after 2 s', 'timed out after 60 s'],
    );
    assert.deepEqual(
      calls.map((c) => [c.argv[1], c.timeoutMs]),
      [
        ['run', 2000],
        ['rm', 60_000],
        ['run', 60_000],
        ['rm', 60_000],
      ],
    );
    assert.equal(calls[0]!.argv[6], 'host');
    assert.deepEqual(calls[1]!.argv, ['docker', 'rm', '--force', calls[0]!.argv[4]]);
    assert.equal(
      (await verifyCell(rec({}), { ...fixed, run, timeoutMs: 5000 })).checks![0]!.reason,
      'timed out after 5 s',
    );
  });

  it('removes the container and records nothing for a cell whose run was cancelled', async () => {
    const ac = new AbortController();
    const calls: string[][] = [];
    const run: ToolRunner = async (argv) => {
      calls.push(argv);
      if (argv[1] === 'run') ac.abort();
      return toolResult({ exitCode: -1, stdout: '', stderr: '', timedOut: false });
    };
    const results = await verifyBuilds([rec({}), rec({ variant: 'redis' })], { ...fixed, run, signal: ac.signal });
    assert.deepEqual(results, []);
    assert.deepEqual(
      calls.map((c) => c[1]),
      ['run', 'rm'],
    );
  });

  it('runs a podman manifest list’s instance for the platform by digest', async () => {
    const calls: string[][] = [];
    const run: ToolRunner = async (argv) => {
      calls.push(argv);
      const stdout = argv[1] === 'manifest' ? fixture('podman-manifest-inspect.txt') : 'aarch64';
      return toolResult({ exitCode: 0, stdout, stderr: '', timedOut: false });
    };
    const cell = rec({ engine: 'podman', platform: 'linux/arm64', image: 'localhost/multiarch-app:fixture-minimal' });
    const r = await verifyCell(cell, { ...fixed, run, hasEmulator: async () => true });
    assert.equal(r.status, 'pass');
    assert.equal(r.image, 'localhost/multiarch-app:fixture-minimal');
    assert.deepEqual(calls[0], ['podman', 'manifest', 'inspect', 'localhost/multiarch-app:fixture-minimal']);
    assert.deepEqual(calls[1]!.slice(-3), [
      'uname',
      'localhost/multiarch-app@sha256:559199df2166c754d65f97a30f21fbc6e970e0e790b9b427e50b52656cfbde4a',
      '-m',
    ]);
    // Not a list (podman says so with an error): the name itself is run.
    const plain: ToolRunner = async (argv) => (
      calls.push(argv),
      argv[1] === 'manifest'
        ? toolResult({ exitCode: 125, stdout: '', stderr: 'Error: not a manifest list', timedOut: false })
        : toolResult({ exitCode: 0, stdout: 'x86_64', stderr: '', timedOut: false })
    );
    await verifyCell(rec({ engine: 'podman', image: 'localhost/plain:1' }), { ...fixed, run: plain });
    assert.deepEqual(calls.at(-1)!.slice(-2), ['localhost/plain:1', '-m']);
  });

  it('fails with the engine’s output on a non-zero exit', async () => {
    const bad = answering('', 126, { stderr: 'exec format error' });
    const r = await verifyCell(rec({}), { ...fixed, run: bad.run });
    assert.equal(r.status, 'fail');
    assert.equal(r.output, 'exec format error');
    assert.equal(r.reason, 'architecture: exited with code 126');
  });

  it('skips, saying why, when there is no emulator, no image or no known machine', async () => {
    const { run, calls } = answering('never');
    const noQemu = await verifyCell(rec({ platform: 'linux/s390x' }), {
      ...fixed,
      run,
      hasEmulator: async () => false,
    });
    assert.equal(noQemu.status, 'skipped');
    assert.deepEqual(noQemu.checks, []);
    assert.match(noQemu.reason ?? '', /no emulator for linux\/s390x .*update-binfmts --enable qemu-s390x/);
    const noImage = { ...rec({ output: 'oci' }), image: undefined };
    assert.match((await verifyCell(noImage, { ...fixed, run })).reason ?? '', /no runnable image \(output "oci"\)/);
    assert.match(
      (await verifyCell(rec({ platform: 'linux/mips64le' }), { ...fixed, run })).reason ?? '',
      /no known machine name/,
    );
    assert.equal(calls.length, 0, 'nothing is run for a skipped cell');
  });

  it('uses the variant’s checks and verifies only the newest successful build of each cell', async () => {
    const { run, calls } = answering('x86_64');
    const results = await verifyBuilds(
      [
        rec({ image: 'old' }),
        rec({ image: 'new', startedAt: '2026-11-27T05:30:00Z' }),
        rec({ variant: 'redis', status: 'failed' }),
        rec({ variant: 'sqs', image: 'sqs' }),
      ],
      {
        ...fixed,
        run,
        checksFor: (v) => (v === 'sqs' ? [{ name: 'arch', command: ['arch'] }] : undefined),
        variants: ['minimal', 'sqs'],
      },
    );
    assert.deepEqual(
      results.map((r) => [r.variant, r.status]),
      [
        ['minimal', 'pass'],
        ['sqs', 'pass'],
      ],
    );
    assert.deepEqual(
      calls.map((c) => c.slice(-2)),
      [
        ['new', '-m'],
        ['arch', 'sqs'],
      ],
    );
  });

  it('describes each check on a line for tooltips, old results as one architecture check', () => {
    const base = { variant: 'redis', platform: 'linux/arm64', expected: ['aarch64'], at: 't' };
    assert.deepEqual(
      checkLines({
        ...base,
        status: 'fail',
        checks: [
          { name: 'architecture', status: 'pass', output: 'aarch64' },
          {
            name: 'redis client',
            status: 'fail',
            output: '\nRedis 5.0.1 on x86_64\nmore',
            reason: 'expected aarch64, the image reported x86_64',
          },
        ],
      }),
      [
        'architecture ✅ aarch64',
        'redis client ❌ Redis 5.0.1 on x86_64 (expected aarch64, the image reported x86_64)',
      ],
    );
    assert.deepEqual(checkLines({ ...base, status: 'pass', actual: 'aarch64' }), ['architecture ✅ aarch64']);
    assert.deepEqual(checkLines({ ...base, status: 'skipped', reason: 'no emulator' }), ['skipped: no emulator']);
  });

  it('prints one row per check with its first output line', () => {
    const text = verifyText([
      {
        variant: 'redis',
        platform: 'linux/arm64',
        expected: ['aarch64'],
        status: 'fail',
        emulated: true,
        at: 't',
        checks: [
          { name: 'architecture', status: 'pass', output: 'aarch64', machine: 'aarch64' },
          {
            name: 'redis client',
            status: 'fail',
            output: 'Traceback (most recent call last):\n  ImportError',
            reason: 'exited with code 1',
          },
        ],
      },
      {
        variant: 'sqs',
        platform: 'linux/s390x',
        expected: ['s390x'],
        status: 'skipped',
        reason: 'no emulator for linux/s390x',
        checks: [],
        at: 't',
      },
    ]);
    assert.equal(
      text,
      [
        'VARIANT  PLATFORM                CHECK         STATUS   OUTPUT',
        'redis    linux/arm64 (emulated)  architecture  pass     aarch64',
        'redis    linux/arm64 (emulated)  redis client  fail     Traceback (most recent call last): - exited with code 1',
        'sqs      linux/s390x             -             skipped  no emulator for linux/s390x',
        '',
      ].join('\n'),
    );
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
    await writeVerifyResults(dir, [{ ...base, variant: 'a', platform: 'linux/amd64', status: 'fail' }], assert.fail);
    await writeVerifyResults(dir, [{ ...base, variant: 'b', platform: 'linux/amd64', status: 'pass' }], assert.fail);
    await writeVerifyResults(dir, [{ ...base, variant: 'a', platform: 'linux/amd64', status: 'pass' }], assert.fail);
    assert.deepEqual(
      (await readVerifyResults(dir)).map((r) => [r.variant, r.status]),
      [
        ['a', 'pass'],
        ['b', 'pass'],
      ],
    );
    mkdirSync(join(dir, 'empty'));
    assert.deepEqual(await readVerifyResults(join(dir, 'empty')), []);
  });
});
