import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';
import { flattenLayers, type FsEntry } from '../../../src/core/layers/flatten';
import { readImageArchive as readArchive, type ImageFs } from '../../../src/core/layers/imageArchive';
import { readLayer } from '../../../src/core/layers/layerEntries';
import { checkTree, resolvePath, type ImageTree } from '../../../src/core/verify/static/checkTree';
import { describeElf, HEADER_BYTES, readElf, shebang } from '../../../src/core/verify/static/elf';
import { withStatic } from '../../../src/core/verify/static/staticVerify';
import { checkLines, type VerifyResult } from '../../../src/core/verify/types';

/** Every platform's final tree, read as `verify --static` reads it. */
async function readImageArchive(input: Readable): Promise<Array<ImageTree & { platform: string }>> {
  const images: ImageFs[] = await readArchive(input, 'test archive', { headBytes: HEADER_BYTES });
  return images.map((i) => ({
    platform: i.platform,
    fs: flattenLayers(i.layers.map((l) => l.entries)),
    ...(i.run ? { run: i.run } : {}),
  }));
}

/** The first 64 bytes of an ELF executable for `machine`. */
function elf(machine: number, bits: 32 | 64 = 64, endian: 'le' | 'be' = 'le'): Buffer {
  const b = Buffer.alloc(64);
  b.set([0x7f, 0x45, 0x4c, 0x46, bits === 64 ? 2 : 1, endian === 'le' ? 1 : 2, 1]);
  if (endian === 'le') b.writeUInt16LE(machine, 18);
  else b.writeUInt16BE(machine, 18);
  return b;
}
const X86 = elf(62);
const ARM64 = elf(183);

type Member = Partial<Header> & { name: string; body?: Buffer | string };

async function tarOf(members: Member[]): Promise<Buffer> {
  const p = pack();
  for (const { body, ...h } of members)
    p.entry(
      { ...h, mode: h.mode ?? 0o755, ...(body !== undefined ? { size: Buffer.byteLength(body) } : {}) },
      body ?? '',
    );
  p.finalize();
  const parts: Buffer[] = [];
  for await (const c of p) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

const stream = (b: Buffer) => Readable.from([b]);
const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('static check: ELF headers', () => {
  it('reads class, byte order and e_machine, and names the machine', () => {
    assert.deepEqual(readElf(X86), { bits: 64, endian: 'le', machine: 62 });
    assert.equal(describeElf(readElf(ARM64)!), 'aarch64');
    assert.equal(describeElf(readElf(elf(22, 64, 'be'))!), 's390x');
    assert.equal(describeElf(readElf(elf(40, 32))!), 'arm');
    assert.equal(
      describeElf(readElf(elf(21, 64, 'be'))!),
      'ppc64 (big-endian, 64-bit)',
      'big-endian ppc64 is not ppc64le',
    );
    assert.equal(describeElf(readElf(elf(62, 32))!), 'x86-64 (32-bit)');
    assert.equal(readElf(Buffer.from('#!/bin/sh\necho\n')), undefined);
    assert.equal(readElf(elf(247)), undefined, 'eBPF objects are data, not a CPU');
    assert.deepEqual(shebang(Buffer.from('#!/usr/bin/env python3\nprint()')), ['/usr/bin/env', 'python3']);
  });
});

describe('static check: layers', () => {
  it('reads the ELF header of a file in a zstd layer written by the reference encoder', async () => {
    const entries = await readLayer(
      stream(readFileSync(join(__dirname, '..', '..', 'fixtures', 'static', 'x86-tool-layer.tar.zst'))),
      { headBytes: HEADER_BYTES },
    );
    const tool = entries.find((e) => e.path === '/usr/local/bin/tool')!;
    assert.deepEqual(readElf(tool.head!), { bits: 64, endian: 'le', machine: 62 });
    assert.deepEqual(checkTree({ fs: flattenLayers([entries]) }, 'linux/arm64').mismatches, [
      { path: '/usr/local/bin/tool', machine: 'x86-64' },
    ]);
  });

  it('checks a hard-linked binary once, under its own name, and a whited-out one not at all', async () => {
    const lower = await readLayer(
      stream(
        await tarOf([
          { name: 'opt/gone', body: X86 },
          { name: 'bin/app', body: ARM64 },
        ]),
      ),
      { headBytes: HEADER_BYTES },
    );
    const upper = await readLayer(
      stream(
        await tarOf([
          { name: 'opt/.wh.gone', body: '' },
          { name: 'bin/app2', type: 'link', linkname: 'bin/app' },
        ]),
      ),
      { headBytes: HEADER_BYTES },
    );
    const fs = flattenLayers([lower, upper]);
    assert.deepEqual(checkTree({ fs, run: { entrypoint: ['/bin/app2'], cmd: [], env: [] } }, 'linux/arm64'), {
      checked: 1,
      mismatches: [],
      entrypoint: { command: '/bin/app2', path: '/bin/app2', machine: 'aarch64' },
    });
  });
});

/** An OCI archive of one arm64 image: busybox-like base, then a layer that adds an x86-64 tool. */
async function ociArchive(config: object, layers: Buffer[]): Promise<Buffer> {
  const configText = JSON.stringify(config);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(configText), size: configText.length },
    layers: layers.map((l) => ({
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
      digest: sha(l),
      size: l.length,
    })),
  });
  const index = JSON.stringify({
    schemaVersion: 2,
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: sha(manifest),
        size: manifest.length,
        platform: { os: 'linux', architecture: 'arm64' },
      },
    ],
  });
  const blob = (b: Buffer | string) => ({ name: `blobs/sha256/${sha(b).slice(7)}`, body: b });
  // Layers first and index.json last, the reverse of the order they are needed in.
  return tarOf([
    ...layers.map(blob),
    blob(configText),
    blob(manifest),
    { name: 'oci-layout', body: '{"imageLayoutVersion":"1.0.0"}' },
    { name: 'index.json', body: index },
  ]);
}

describe('static check: image archives', () => {
  it('names the foreign binary of an arm64 OCI image and resolves the entrypoint through PATH and symlinks', async () => {
    const base = gzipSync(
      await tarOf([
        { name: 'bin/busybox', body: ARM64 },
        { name: 'bin/sh', type: 'symlink', linkname: 'busybox' },
        { name: 'usr/bin', type: 'directory' },
      ]),
    );
    const tool = gzipSync(
      await tarOf([
        { name: 'usr/local/bin/tool', body: X86 },
        { name: 'usr/bin/entry', body: '#!/usr/bin/env sh\nexec tool\n' },
      ]),
    );
    const config = {
      architecture: 'arm64',
      os: 'linux',
      config: { Entrypoint: ['entry'], Env: ['PATH=/usr/local/bin:/usr/bin:/bin'] },
    };
    const trees = await readImageArchive(stream(await ociArchive(config, [base, tool])));
    assert.deepEqual(
      trees.map((t) => t.platform),
      ['linux/arm64'],
    );
    const check = checkTree(trees[0]!, 'linux/arm64');
    assert.equal(check.checked, 2);
    assert.deepEqual(check.mismatches, [{ path: '/usr/local/bin/tool', machine: 'x86-64' }]);
    assert.deepEqual(check.entrypoint, { command: 'entry', path: '/bin/busybox', machine: 'aarch64' });
    assert.deepEqual(checkTree(trees[0]!, 'linux/amd64').mismatches, [{ path: '/bin/busybox', machine: 'aarch64' }]);
  });

  it('says when the entry program is missing or foreign', async () => {
    const layer = await tarOf([{ name: 'app/run', body: X86 }]);
    const missing = await readImageArchive(
      stream(
        await ociArchive({ architecture: 'arm64', os: 'linux', config: { Cmd: ['python', '-m', 'app'] } }, [layer]),
      ),
    );
    assert.equal(
      checkTree(missing[0]!, 'linux/arm64').entrypoint?.problem,
      'python is not in the image (searched PATH)',
    );
    const foreign = await readImageArchive(
      stream(await ociArchive({ architecture: 'arm64', os: 'linux', config: { Entrypoint: ['/app/run'] } }, [layer])),
    );
    assert.equal(checkTree(foreign[0]!, 'linux/arm64').entrypoint?.problem, '/app/run is built for x86-64');
  });

  it('reads a docker save archive (manifest.json, uncompressed layer tars)', async () => {
    const layer = await tarOf([{ name: 'bin/busybox', body: X86 }]);
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: ['/bin/busybox'] } });
    const archive = await tarOf([
      { name: 'abc/VERSION', body: '1.0' },
      { name: 'abc/layer.tar', body: layer },
      { name: 'cfg.json', body: config },
      {
        name: 'manifest.json',
        body: JSON.stringify([{ Config: 'cfg.json', RepoTags: ['x:1'], Layers: ['abc/layer.tar'] }]),
      },
    ]);
    const [tree] = await readImageArchive(stream(archive));
    assert.equal(tree!.platform, 'linux/amd64');
    assert.deepEqual(checkTree(tree!, 'linux/amd64'), {
      checked: 1,
      mismatches: [],
      entrypoint: { command: '/bin/busybox', path: '/bin/busybox', machine: 'x86-64' },
    });
  });

  it('follows relative, absolute and parent symlinks, and stops on loops', () => {
    const entry = (path: string, type: FsEntry['type'], linkname?: string): [string, FsEntry] => [
      path,
      { path, type, size: 0, layer: 0, ...(linkname ? { linkname } : {}) },
    ];
    const fs = new Map<string, FsEntry>([
      entry('/bin', 'symlink', 'usr/bin'),
      entry('/usr/bin/python3', 'symlink', '../lib/python/bin/python3.11'),
      entry('/usr/lib/python/bin/python3.11', 'file'),
      entry('/loop', 'symlink', '/loop'),
    ]);
    assert.equal(resolvePath(fs, '/bin/python3'), '/usr/lib/python/bin/python3.11');
    assert.equal(resolvePath(fs, '/loop'), undefined);
    assert.equal(resolvePath(fs, '/nope'), undefined);
  });
});

describe('static check: joined to Verify Architectures', () => {
  const ran = (platform: string, status: 'pass' | 'skipped'): VerifyResult => ({
    variant: 'redis',
    platform,
    expected: [],
    status,
    at: 't',
    checks: status === 'pass' ? [{ name: 'architecture', status: 'pass', output: 'aarch64', machine: 'aarch64' }] : [],
  });

  it('fails a cell whose image holds a foreign binary even when it ran right, and lists the static line first', () => {
    const [arm, amd] = withStatic(
      [ran('linux/arm64', 'pass'), ran('linux/amd64', 'pass')],
      [
        {
          variant: 'redis',
          platform: 'linux/arm64',
          status: 'fail',
          checked: 3,
          mismatches: [
            { path: '/usr/local/bin/tool', machine: 'x86-64' },
            { path: '/opt/x', machine: 'x86-64' },
          ],
        },
        { variant: 'redis', platform: 'linux/amd64', status: 'pass', checked: 3, mismatches: [] },
      ],
    );
    assert.equal(arm!.status, 'fail');
    assert.equal(arm!.reason, 'static: linux/arm64 image contains /usr/local/bin/tool built for x86-64');
    assert.deepEqual(arm!.static, {
      status: 'fail',
      checked: 3,
      mismatches: ['/usr/local/bin/tool built for x86-64', '/opt/x built for x86-64'],
    });
    assert.deepEqual(checkLines(arm!), [
      'static ❌ /usr/local/bin/tool built for x86-64 (+1 more)',
      'architecture ✅ aarch64',
    ]);
    assert.equal(amd!.status, 'pass');
    assert.deepEqual(checkLines(amd!), ['static ✅ 3 ELF files match', 'architecture ✅ aarch64']);
  });

  it('keeps a runtime-skipped cell skipped, with its static result', () => {
    const [r] = withStatic(
      [{ ...ran('linux/arm64', 'skipped'), reason: 'no runnable image' }],
      [{ variant: 'redis', platform: 'linux/arm64', status: 'pass', checked: 9, mismatches: [] }],
    );
    assert.equal(r!.status, 'skipped');
    assert.deepEqual(checkLines(r!), ['static ✅ 9 ELF files match', 'skipped: no runnable image']);
  });
});
