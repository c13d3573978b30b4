import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BuildRunner } from '../../../src/core/build/runner';
import { resolveConfig } from '../../../src/core/config/resolve';
import type { RawConfig } from '../../../src/core/config/types';
import { parsePodmanInfo } from '../../../src/core/engines/podmanOutput';
import type { Job } from '../../../src/core/jobs';
import { buildPlan } from '../../../src/core/matrix/plan';
import { NATIVE_CPU_SHARES, withoutCpuWeight } from '../../../src/core/schedule/cpuWeight';
import { scheduleJobs } from '../../../src/core/schedule/schedule';
import { fixture } from '../engines/fixture';

const projects = resolve(__dirname, '../../fixtures/projects');
const python = readFileSync(join(projects, 'python-service', 'Dockerfile'), 'utf8');
const weight = ['--cpu-shares', String(NATIVE_CPU_SHARES)];

/** python-service's shape: three variants for amd64 + arm64 and kafka for amd64 only. */
function schedule(host: string, raw: Partial<RawConfig> = {}) {
  const config = resolveConfig(
    {
      image: 'app',
      tag: 'dev',
      target: 'runtime',
      variantArg: 'QUEUE_BACKEND',
      platforms: ['linux/amd64', 'linux/arm64'],
      variants: { minimal: null, redis: null, sqs: null, kafka: { platforms: ['linux/amd64'] } },
      ...raw,
    },
    { root: '/app', file: '/app/multiarch.yaml' },
  );
  const jobs = buildPlan(config, { engine: 'podman', schedule: false }).jobs;
  return scheduleJobs(config, jobs, { engine: 'podman', read: () => python, host });
}

const weighted = (argv: string[]) => argv.join(' ').startsWith(`podman build ${weight.join(' ')} `);

describe('schedule: native builds give way to the emulated ones (CPU weight)', () => {
  it('on an amd64 host every amd64 build (warm-up, part, one-platform job) has the lower weight, no arm64 build has', () => {
    const s = schedule('linux/amd64');
    assert.deepEqual(
      s.warmup.map((w) => [w.platforms[0], weighted(w.argv)]),
      [
        ['linux/amd64', true],
        ['linux/arm64', false],
      ],
    );
    const parts = s.jobs.flatMap((j) => j.parts ?? []);
    assert.equal(parts.length, 6);
    for (const p of parts) assert.equal(weighted(p.argv), p.platform === 'linux/amd64', p.argv.join(' '));
    const kafka = s.jobs.find((j) => j.variant === 'kafka')!;
    assert.equal(kafka.parts, undefined);
    assert.ok(weighted(kafka.argv), kafka.argv.join(' '));
    // Only the weight is added: the rest of the argv is what an unweighted build runs.
    const amd = parts.find((p) => p.platform === 'linux/amd64')!;
    assert.deepEqual(withoutCpuWeight(amd.argv).slice(0, 4), ['podman', 'build', '--platform', 'linux/amd64']);
    assert.equal(withoutCpuWeight(amd.argv).length, amd.argv.length - 2);
  });

  it('on an arm64 host it is the other way round', () => {
    const s = schedule('linux/arm64');
    for (const w of s.warmup) assert.equal(weighted(w.argv), w.platforms[0] === 'linux/arm64');
    for (const p of s.jobs.flatMap((j) => j.parts ?? [])) assert.equal(weighted(p.argv), p.platform === 'linux/arm64');
    assert.ok(!weighted(s.jobs.find((j) => j.variant === 'kafka')!.argv), 'kafka is emulated on arm64');
  });

  it('a plan with nothing emulated keeps the default weight everywhere', () => {
    const s = schedule('linux/amd64', { platforms: ['linux/amd64'], variants: { minimal: null, redis: null } });
    assert.ok(s.warmup.length > 0);
    for (const argv of [...s.warmup.map((w) => w.argv), ...s.jobs.map((j) => j.argv)])
      assert.ok(!argv.includes('--cpu-shares'), argv.join(' '));
  });

  it('withoutCpuWeight drops only the weight, and only from a build', () => {
    assert.deepEqual(withoutCpuWeight(['podman', 'build', ...weight, '--platform', 'linux/amd64', '.']), [
      'podman',
      'build',
      '--platform',
      'linux/amd64',
      '.',
    ]);
    const other = ['podman', 'run', '--cpu-shares', '2', 'img'];
    assert.equal(withoutCpuWeight(other), other);
  });
});

describe('podman info: can a build be given a CPU weight', () => {
  const info = JSON.parse(fixture('podman-info.txt')) as { host: Record<string, unknown> };
  const parse = (host: Record<string, unknown>) =>
    parsePodmanInfo(JSON.stringify({ ...info, host: { ...info.host, ...host } })).cpuWeight;

  it('rootful: always (the recorded podman 4.3 runs rootful on cgroups v1)', () => {
    assert.equal(parsePodmanInfo(fixture('podman-info.txt')).cpuWeight, true);
    assert.equal(parse({ cgroupVersion: 'v2', cgroupControllers: [] }), true);
  });

  it('rootless: only on cgroups v2 with the cpu controller delegated', () => {
    const rootless = { security: { ...(info.host.security as object), rootless: true } };
    assert.equal(parse({ ...rootless, cgroupVersion: 'v2', cgroupControllers: ['memory', 'pids', 'cpu'] }), true);
    assert.equal(parse({ ...rootless, cgroupVersion: 'v2', cgroupControllers: ['memory', 'pids'] }), false);
    assert.equal(parse({ ...rootless, cgroupVersion: 'v1', cgroupControllers: ['cpu'] }), false);
    assert.equal(parse({ ...rootless, cgroupVersion: 'v2', cgroupControllers: null }), false);
  });
});

describe('runner: a weighted build on a podman that cannot apply the weight', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  /** A "podman" script (the runner's choice is tested, not an engine) answering `info` as `host` says; it logs each call. */
  async function podmanAnswering(
    host: Record<string, unknown>,
  ): Promise<{ program: string; calls: () => Promise<string[]> }> {
    const dir = await mkdtemp(join(tmpdir(), 'cpu-weight-'));
    dirs.push(dir);
    const recorded = JSON.parse(fixture('podman-info.txt')) as { host: Record<string, unknown> };
    const infoFile = join(dir, 'info.json');
    await writeFile(infoFile, JSON.stringify({ ...recorded, host: { ...recorded.host, ...host } }));
    const program = join(dir, 'podman');
    await writeFile(
      program,
      `#!/bin/sh\necho "$*" >> ${join(dir, 'calls')}\n[ "$1" = info ] && cat ${infoFile}\nexit 0\n`,
      { mode: 0o755 },
    );
    return { program, calls: async () => (await readFile(join(dir, 'calls'), 'utf8')).trim().split('\n') };
  }

  const job = (argv: string[]): Job => ({
    id: 'kafka',
    engine: 'podman',
    variant: 'kafka',
    platforms: ['linux/amd64'],
    output: 'load',
    tags: [],
    argv,
    program: 'podman',
    cwd: tmpdir(),
  });
  const argv = ['podman', 'build', ...weight, '--platform', 'linux/amd64', '.'];

  it('rootless on cgroups v1: the build runs without the weight', async () => {
    const recorded = JSON.parse(fixture('podman-info.txt')) as { host: { security: object } };
    const { program, calls } = await podmanAnswering({
      security: { ...recorded.host.security, rootless: true },
      cgroupVersion: 'v1',
    });
    const summary = await new BuildRunner({ programs: { podman: program } }).run({
      engine: 'podman',
      jobs: [job(argv)],
    });
    assert.equal(summary.ok, true);
    assert.deepEqual(
      (await calls()).filter((c) => c.startsWith('build')),
      ['build --platform linux/amd64 .'],
    );
  });

  it('rootful: the build runs with it', async () => {
    const { program, calls } = await podmanAnswering({});
    const summary = await new BuildRunner({ programs: { podman: program } }).run({
      engine: 'podman',
      jobs: [job(argv)],
    });
    assert.equal(summary.ok, true);
    assert.deepEqual(
      (await calls()).filter((c) => c.startsWith('build')),
      [`build ${weight.join(' ')} --platform linux/amd64 .`],
    );
  });
});
