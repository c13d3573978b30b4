/**
 * `verify --static` speed on a 100 MB image per platform, against the floor of reading the same archive.
 *   npx tsx bench/static-check.ts [--rounds N]
 * Input (generated in a temp dir, then deleted): one OCI archive per platform, like `podman manifest push
 * oci-archive:` writes — three layers holding 100 MB of files (3,000 small text files, 400 ELF binaries of
 * 60 kB, a 65 MB blob of random bytes, a whiteout layer). linux/amd64 has gzip layers; linux/arm64 has zstd
 * layers when the zstd CLI is installed (node 20 has no zstd encoder), gzip otherwise.
 * Contenders, interleaved each round, medians:
 *   - static check: core/layers readImageArchive (stream, decompress, tar headers, first bytes of each
 *     file) + flattenLayers (whiteouts) + checkTree (every ELF file, the entrypoint),
 *   - floor: the same file streamed (same 1 MB chunks) and its blobs decompressed, nothing parsed.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { extract, pack } from 'tar-stream';
import { flattenLayers } from '../src/core/layers/flatten';
import { readImageArchive } from '../src/core/layers/imageArchive';
import { coalesce, decompressor, peek, sniffCompression } from '../src/core/layers/layerEntries';
import { checkTree } from '../src/core/verify/static/checkTree';
import { HEADER_BYTES } from '../src/core/verify/static/elf';
import { median } from './stats';

const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 5;
const MB = 1 << 20;

function elf(machine: number, size: number): Buffer {
  const b = randomBytes(size);
  b.fill(0, 0, 64);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  b.writeUInt16LE(machine, 18);
  return b;
}

async function tarOf(files: Array<[string, Buffer]>): Promise<Buffer> {
  const p = pack();
  const parts: Buffer[] = [];
  const collecting = (async () => {
    for await (const c of p) parts.push(c as Buffer);
  })();
  for (const [name, body] of files) p.entry({ name, size: body.length, mode: 0o755 }, body);
  p.finalize();
  await collecting;
  return Buffer.concat(parts);
}

const words = 'queue worker redis client message broker retry backoff python import platform machine '.repeat(40);

async function layers(machine: number): Promise<Buffer[]> {
  const text: Array<[string, Buffer]> = [];
  for (let i = 0; i < 3000; i++)
    text.push([
      `usr/lib/python3/site-packages/pkg${i % 60}/mod${i}.py`,
      Buffer.from(words.slice(0, 2_000 + ((i * 7919) % 18_000))),
    ]);
  const bins: Array<[string, Buffer]> = [];
  for (let i = 0; i < 400; i++) bins.push([`usr/lib/x86_64-linux-gnu/lib${i}.so`, elf(machine, 60_000)]);
  bins.push(['usr/bin/python3', elf(machine, 60_000)]);
  const blob: Array<[string, Buffer]> = [['opt/model/weights.bin', randomBytes(65 * MB)]];
  const whiteouts: Array<[string, Buffer]> = [['usr/lib/python3/site-packages/pkg0/.wh.mod0.py', Buffer.alloc(0)]];
  return Promise.all([tarOf([...text, ...bins]), tarOf(blob), tarOf(whiteouts)]);
}

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function ociArchive(
  file: string,
  platform: { architecture: string; machine: number },
  zstd: boolean,
): Promise<number> {
  const tars = await layers(platform.machine);
  const raw = tars.reduce((s, t) => s + t.length, 0);
  const blobs = tars.map((t) =>
    zstd ? execFileSync('zstd', ['-q', '-3', '-c'], { input: t, maxBuffer: 512 * MB }) : gzipSync(t, { level: 1 }),
  );
  const config = JSON.stringify({
    architecture: platform.architecture,
    os: 'linux',
    config: { Entrypoint: ['python3'], Env: ['PATH=/usr/bin:/bin'] },
  });
  const layerType = zstd
    ? 'application/vnd.oci.image.layer.v1.tar+zstd'
    : 'application/vnd.oci.image.layer.v1.tar+gzip';
  const manifest = JSON.stringify({
    schemaVersion: 2,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
    layers: blobs.map((b) => ({ mediaType: layerType, digest: sha(b), size: b.length })),
  });
  const index = JSON.stringify({
    schemaVersion: 2,
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: sha(manifest),
        size: manifest.length,
        platform: { os: 'linux', architecture: platform.architecture },
      },
    ],
  });
  const members: Array<[string, Buffer]> = [
    ...[...blobs, Buffer.from(config), Buffer.from(manifest)].map((b): [string, Buffer] => [
      `blobs/sha256/${sha(b).slice(7)}`,
      b,
    ]),
    ['index.json', Buffer.from(index)],
  ];
  await writeFile(file, await tarOf(members));
  return raw;
}

/** Floor: stream the archive and decompress every blob, parsing nothing. */
async function floor(file: string): Promise<void> {
  const tar = extract();
  const feeding = pipeline(Readable.from(coalesce(createReadStream(file))), tar);
  for await (const entry of tar) {
    const { head, stream } = await peek(entry as unknown as AsyncIterable<Buffer>, 4);
    const body = stream.pipe(decompressor(sniffCompression(head)));
    for await (const chunk of body) void chunk;
  }
  await feeding;
}

async function staticCheck(file: string, platform: string): Promise<number> {
  const [image] = await readImageArchive(createReadStream(file), file, { headBytes: HEADER_BYTES });
  return checkTree(
    { fs: flattenLayers(image!.layers.map((l) => l.entries)), ...(image!.run ? { run: image!.run } : {}) },
    platform,
  ).checked;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'static-bench-'));
  try {
    const hasZstd = existsSync('/usr/bin/zstd');
    const inputs = [
      {
        platform: 'linux/amd64',
        file: join(dir, 'amd64.tar'),
        arch: { architecture: 'amd64', machine: 62 },
        zstd: false,
      },
      {
        platform: 'linux/arm64',
        file: join(dir, 'arm64.tar'),
        arch: { architecture: 'arm64', machine: 183 },
        zstd: hasZstd,
      },
    ];
    for (const i of inputs) {
      const raw = await ociArchive(i.file, i.arch, i.zstd);
      const size = (await import('node:fs')).statSync(i.file).size;
      console.log(
        `${i.platform}: ${(raw / MB).toFixed(1)} MB of files, archive ${(size / MB).toFixed(1)} MB (${i.zstd ? 'zstd' : 'gzip'} layers)`,
      );
    }
    const times: Record<string, number[]> = {};
    for (let r = 0; r < rounds; r++) {
      for (const i of r % 2 ? [...inputs].reverse() : inputs) {
        let t = performance.now();
        const checked = await staticCheck(i.file, i.platform);
        (times[`${i.platform} static`] ??= []).push(performance.now() - t);
        if (checked !== 401) throw new Error(`expected 401 ELF files, checked ${checked}`);
        t = performance.now();
        await floor(i.file);
        (times[`${i.platform} floor`] ??= []).push(performance.now() - t);
      }
    }
    console.log(`\n| platform | static check | floor (read + decompress) | static/floor |\n| --- | --- | --- | --- |`);
    for (const i of inputs) {
      const s = median(times[`${i.platform} static`]!);
      const f = median(times[`${i.platform} floor`]!);
      console.log(
        `| ${i.platform} (${i.zstd ? 'zstd' : 'gzip'}) | ${(s / 1000).toFixed(2)} s | ${(f / 1000).toFixed(2)} s | ${(s / f).toFixed(2)}× |`,
      );
    }
    console.log(`\n${rounds} rounds, medians; target: under 2 s per 100 MB platform.`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void main();
