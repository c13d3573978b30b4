import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkBaseImagePlatforms } from '../../../src/core/lint/baseImagePlatform';
import { lintCellsNear } from '../../../src/core/lint/lintContext';
import { PLATFORM_LOOKUP_CONCURRENCY, platformLookup } from '../../../src/core/registry';
import { LOCAL_LOOKUP_PROCESSES, localPlatformLookup } from '../../../src/core/engines/localPlatforms';
import type { ToolResult } from '../../../src/core/engines/exec';
import type { ImageReference } from '../../../src/core/reference';

const ok = (stdout: string): ToolResult => ({ ok: true, exitCode: 0, stdout, stderr: '', timedOut: false });
const notKnown: ToolResult = {
  ok: false,
  exitCode: 125,
  stdout: '',
  stderr: 'Error: image not known',
  timedOut: false,
};

/** Two stages FROM the same `${BASE}:${VERSION}`, a third FROM one of them: every variant names the image twice. */
const dockerfile =
  'ARG BASE=127.0.0.1:5999/acme/base\nARG VERSION=1\nFROM ${BASE}:${VERSION} AS one\nFROM ${BASE}:${VERSION} AS two\nFROM one\n';

/** A multiarch.yaml of 1,000 variants (the limit) for two platforms, VERSION taking `versions(i)`. */
function config(versions: (i: number) => string): string {
  const lines = ['image: 127.0.0.1:5999/acme/app', 'platforms: [linux/amd64, linux/arm64]', 'variants:'];
  for (let i = 0; i < 1000; i++)
    lines.push(`  v${i}:`, '    args:', `      VERSION: "${versions(i)}"`, `      N: "${i}"`);
  return lines.join('\n') + '\n';
}

/**
 * What one lint's InvalidBaseImagePlatform check costs at 1,000 variants, counted where the work is done: the
 * registry (an injected source), the engine processes the local look-up starts (an injected runner, answering
 * as podman/docker do for names they do not hold) and how many of each run at once.
 */
async function lintWork(versions: (i: number) => string, listings: { podman: ToolResult; docker: ToolResult }) {
  const dir = await mkdtemp(join(tmpdir(), 'multiarch-many-'));
  try {
    await writeFile(join(dir, 'Dockerfile'), dockerfile);
    await writeFile(join(dir, 'multiarch.yaml'), config(versions));
    const near = await lintCellsNear(join(dir, 'Dockerfile'));
    assert.ok(near);
    assert.equal(near.cells.length, 1000);
    const registry: string[] = [];
    const processes: string[] = [];
    const counter = () => {
      let running = 0;
      const c = {
        most: 0,
        run: async <T>(work: () => T): Promise<T> => {
          c.most = Math.max(c.most, ++running);
          await new Promise((r) => setImmediate(r));
          running--;
          return work();
        },
      };
      return c;
    };
    const requests = counter();
    const spawned = counter();
    const source = {
      platforms: (ref: ImageReference) =>
        requests.run(() => {
          registry.push(`${ref.path}:${ref.tag}`);
          return ['linux/amd64', 'linux/arm64'];
        }),
    };
    const local = localPlatformLookup({
      programs: { podman: 'podman', docker: 'docker' },
      run: (argv) =>
        spawned.run(() => {
          processes.push(argv.join(' '));
          if (argv[1] === 'images') return argv[0] === 'podman' ? listings.podman : listings.docker;
          return notKnown;
        }),
    });
    const r = await checkBaseImagePlatforms(dockerfile, near.cells, {
      lookup: platformLookup(source, { local }),
    });
    assert.deepEqual(r.unreachable, []);
    assert.deepEqual(r.diagnostics, []);
    return { registry, processes, requestsAtOnce: requests.most, processesAtOnce: spawned.most };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const listing = (names: string[]) => ok(names.map((n) => `${n}\n`).join(''));

describe('lint at 1,000 variants: base-image work is deduplicated and bounded', () => {
  it('3 distinct base images among 1,000 variants × 2 platforms × 2 stages: 3 registry look-ups, 2 listings, 1 inspect', async () => {
    const w = await lintWork((i) => String((i % 3) + 1), {
      podman: listing(['127.0.0.1:5999/acme/other:1', '<none>:<none>']),
      docker: listing(['127.0.0.1:5999/acme/base:2']),
    });
    assert.deepEqual(w.registry.sort(), ['acme/base:1', 'acme/base:2', 'acme/base:3']);
    // One `images` per store; only the name docker lists is inspected, and only by docker.
    assert.deepEqual(w.processes.sort(), [
      'docker image inspect 127.0.0.1:5999/acme/base:2',
      'docker images --format {{.Repository}}:{{.Tag}}',
      'podman images --format {{.Repository}}:{{.Tag}}',
    ]);
  });

  it('1,000 distinct base images: one look-up each, at most the bound at once, still 2 processes in all', async () => {
    const w = await lintWork((i) => `v${i}`, { podman: listing([]), docker: listing([]) });
    assert.equal(w.registry.length, 1000);
    assert.equal(new Set(w.registry).size, 1000);
    assert.ok(w.requestsAtOnce <= PLATFORM_LOOKUP_CONCURRENCY, `${w.requestsAtOnce} requests at once`);
    assert.equal(w.processes.length, 2);
  });

  it('a store that cannot be listed (podman with a broken list) is asked per image, never more than the bound at once', async () => {
    const broken: ToolResult = {
      ok: false,
      exitCode: 125,
      stdout: '',
      stderr: 'Error: reading manifest',
      timedOut: false,
    };
    const w = await lintWork((i) => `v${i % 50}`, { podman: broken, docker: listing([]) });
    assert.equal(w.registry.length, 50);
    assert.ok(w.processesAtOnce <= LOCAL_LOOKUP_PROCESSES, `${w.processesAtOnce} processes at once`);
    const podman = w.processes.filter((p) => p.startsWith('podman'));
    // Per image: `manifest exists` and `image inspect` (both "not known"); one listing per store.
    assert.equal(podman.filter((p) => p.startsWith('podman manifest exists')).length, 50);
    assert.equal(w.processes.filter((p) => p.includes(' images ')).length, 2);
  });
});
