import * as assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { probeNode } from '../../../src/core/nodes/probe';
import type { BuildNode } from '../../../src/core/nodes/types';

const node: BuildNode = {
  name: 'arm-box',
  engine: 'podman',
  endpoint: 'tcp://127.0.0.2:10888',
  platforms: ['linux/arm64'],
  source: 'config',
};
const fixtures = resolve(__dirname, '../../fixtures/nodes');

/**
 * A stand-in for the podman client that gives the second podman node's recorded answers (test/fixtures/nodes),
 * its first `version` answer `firstVersionDelay` seconds late, or refusing every call; each call logged.
 */
async function standIn(dir: string, mode: { firstVersionDelay?: number; refuse?: boolean }) {
  const log = join(dir, 'calls');
  const program = join(dir, 'podman');
  await writeFile(
    program,
    `#!/bin/sh
echo "$3" >> '${log}'
${mode.refuse ? `echo 'Error: unable to connect to Podman socket: dial tcp 127.0.0.2:10888: connect: connection refused' >&2; exit 125` : ''}
if [ "$3" = version ] && [ "$(grep -c '^version$' '${log}')" = 1 ]; then sleep ${mode.firstVersionDelay ?? 0}; fi
exec cat '${fixtures}/podman-4.3.1-remote-'"$3"'.json'
`,
  );
  await chmod(program, 0o755);
  const calls = async () => (await readFile(log, 'utf8')).trim().split('\n').sort();
  return { program, calls };
}

describe('nodes: probeNode asks a slow node again, patiently', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'multiarch-probe-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('a version call that misses the first wait is asked again with patientMs, and the node answers', async () => {
    const { program, calls } = await standIn(dir, { firstVersionDelay: 2 });
    const probe = await probeNode(node, { timeoutMs: 300, patientMs: 10_000, programs: { podman: program } });
    assert.deepEqual(probe, {
      node: 'arm-box',
      reachable: true,
      engineVersion: '4.3.1',
      nativePlatforms: ['linux/amd64'],
    });
    assert.deepEqual(await calls(), ['info', 'info', 'version', 'version']);
  });

  it('without patientMs the same node is unreachable, timed out, and the message says how long it waited', async () => {
    const { program, calls } = await standIn(dir, { firstVersionDelay: 2 });
    const probe = await probeNode(node, { timeoutMs: 300, programs: { podman: program } });
    assert.equal(probe.reachable, false);
    assert.equal(probe.timedOut, true);
    assert.match(probe.error ?? '', /did not answer within 0\.3 s; check that the machine is on/);
    assert.deepEqual(await calls(), ['info', 'version']);
  });

  it('a node that refuses is not asked again', async () => {
    const { program, calls } = await standIn(dir, { refuse: true });
    const probe = await probeNode(node, { timeoutMs: 300, patientMs: 10_000, programs: { podman: program } });
    assert.equal(probe.reachable, false);
    assert.equal(probe.timedOut, undefined);
    assert.match(probe.error ?? '', /connection refused/);
    assert.deepEqual(await calls(), ['info', 'version']);
  });
});
