import * as assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../src/core/config/loadConfig';
import type { ResolvedConfig } from '../../../src/core/config/types';
import { buildxBuildAll } from '../../../src/core/matrix/buildxSplit';
import type { RegistryClient } from '../../../src/core/registry';
import { recordPrefixes } from '../../../src/core/schedule/buildxPrefixes';

const base = `127.0.0.1:5000/py@sha256:${'a'.repeat(64)}`;
const dockerfile = `FROM ${base} AS builder
RUN python -m venv /opt/venv
COPY requirements/ /requirements/
RUN pip install -r /requirements/common.txt
ARG QUEUE_BACKEND=minimal
RUN pip install -r /requirements/\${QUEUE_BACKEND}.txt
`;

// Build All pushing with buildx splits per platform only while the emulated platform's shared steps are not known
// to be in BuildKit's cache: a digest base needs no registry, so none is asked here.
describe('buildx Build All: split while the emulated shared steps were not built with these inputs', () => {
  let root: string;
  let config: ResolvedConfig;
  const registry = async (): Promise<RegistryClient> => {
    throw new Error('no registry is asked for a digest reference');
  };
  const plan = () =>
    buildxBuildAll(config, { engine: 'buildx', output: 'push', bake: true }, { registry, host: 'linux/amd64' });

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'bx-prefix-'));
    await mkdir(join(root, 'requirements'));
    await writeFile(join(root, 'requirements', 'common.txt'), 'requests\n');
    await writeFile(join(root, 'Dockerfile'), dockerfile);
    const r = parseConfig(
      `image: app\ntag: v1\nregistry: 127.0.0.1:5000\nvariantArg: QUEUE_BACKEND\nplatforms: [linux/amd64, linux/arm64]\nvariants:\n  minimal: {}\n  redis: {}\n`,
      join(root, 'multiarch.yaml'),
    );
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    config = r.config;
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('splits a cold run, bakes once it succeeded, and splits again when those steps changed', async () => {
    const cold = await plan();
    assert.deepEqual(
      cold.jobs.map((j) => j.parts?.length),
      [2, 2],
    );
    assert.equal(cold.buildxPrefixes?.length, 1, 'the arm64 shared steps (amd64 is native here)');
    await recordPrefixes(root, cold.buildxPrefixes!);
    const warm = await plan();
    assert.deepEqual(
      warm.jobs.map((j) => j.argv.slice(0, 3).join(' ')),
      ['docker buildx bake'],
    );
    assert.equal(warm.buildxPrefixes, undefined);
    // An edited file those steps read leaves them as they were recorded (a compile stage's sources changed with
    // every edit); a changed Dockerfile or base image does not.
    await writeFile(join(root, 'requirements', 'common.txt'), 'requests\nurllib3\n');
    assert.equal((await plan()).buildxPrefixes, undefined);
    await writeFile(join(root, 'Dockerfile'), dockerfile.replace('venv /opt/venv', 'venv --upgrade-deps /opt/venv'));
    assert.equal((await plan()).buildxPrefixes?.length, 1);
  });

  it('bakes when no shared step has work in it, or nothing is pushed', async () => {
    await writeFile(join(root, 'Dockerfile'), `FROM ${base}\nARG QUEUE_BACKEND\nRUN echo $QUEUE_BACKEND\n`);
    assert.equal((await plan()).jobs[0]!.argv[2], 'bake');
    await writeFile(join(root, 'Dockerfile'), dockerfile);
    const oci = await buildxBuildAll(
      config,
      { engine: 'buildx', output: 'oci', bake: true },
      { registry, host: 'linux/amd64' },
    );
    assert.equal(oci.jobs[0]!.argv[2], 'bake');
  });
});
