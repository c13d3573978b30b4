import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ResultsStore } from '../../../src/core/results/store';
import { readBuildRecords } from '../../../src/core/sizes/buildRecords';
import { measureSizes } from '../../../src/core/sizes/measureSizes';
import { sizeHistoryFile } from '../../../src/core/sizes/sizeHistory';
import {
  CorruptStateError,
  resultsPath,
  sizesPath,
  verifyPath,
  withFileLock,
  writeFileAtomic,
} from '../../../src/core/state';
import { readVerifyResults, writeVerifyResults } from '../../../src/core/verify/verifyStore';
import { GZIP, LayoutBuilder } from '../sizes/ociFixture';
import { buildRecord } from '../helpers/buildRecord';

const run = promisify(execFile);

// Bytes that are not JSON, with a NUL and invalid UTF-8, so "kept byte-for-byte" means exactly that.
const GARBAGE = Buffer.from([0x7b, 0x20, 0x6e, 0x6f, 0x74, 0x00, 0xff, 0xfe, 0x0a, 0x6a, 0x73, 0x6f, 0x6e]);

describe('state files under .multiarch/', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'state-'));
    mkdirSync(join(root, '.multiarch'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const asideFiles = (name: string) =>
    readdirSync(join(root, '.multiarch')).filter((f) => f.startsWith(`${name}.corrupt-`));

  /** Garbage in `file` → after `write`, the garbage is kept aside byte-for-byte, one warning names both files. */
  async function keepsCorruptFileAside(
    file: string,
    name: string,
    write: (warn: (m: string) => void) => Promise<unknown>,
  ): Promise<void> {
    writeFileSync(file, GARBAGE);
    const warnings: string[] = [];
    await write((m) => warnings.push(m));
    const aside = asideFiles(name);
    assert.equal(aside.length, 1, `one ${name}.corrupt-*.json in ${readdirSync(join(root, '.multiarch')).join(', ')}`);
    assert.match(aside[0]!, new RegExp(`^${name}\\.corrupt-\\d{4}-\\d\\d-\\d\\dT[\\d-]+Z\\.json$`));
    assert.deepEqual(readFileSync(join(root, '.multiarch', aside[0]!)), GARBAGE);
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0]!.includes(file) && warnings[0]!.includes(aside[0]!), warnings[0]);
    JSON.parse(readFileSync(file, 'utf8'));
  }

  it('results.json: the next build keeps a corrupt file aside, warns, and writes a valid one', async () => {
    const store = ResultsStore.forRoot(root);
    await keepsCorruptFileAside(resultsPath(root), 'results', (warn) => store.append([buildRecord()], warn));
    assert.deepEqual(
      (await readBuildRecords(root)).map((r) => r.variant),
      ['minimal'],
    );
  });

  it('results.json: readers refuse a corrupt file and say what to do', async () => {
    writeFileSync(resultsPath(root), GARBAGE);
    await assert.rejects(
      readBuildRecords(root),
      (err: Error) =>
        err instanceof CorruptStateError &&
        /results\.json is not valid UTF-8: rebuild, or delete the file/.test(err.message),
    );
    // Valid JSON in the wrong shape is just as untrustworthy.
    writeFileSync(resultsPath(root), JSON.stringify({ version: 1, cells: { 'a@linux/amd64': [{ variant: 'a' }] } }));
    await assert.rejects(
      readBuildRecords(root),
      /not in the expected format \(\/cells\/a@linux~1amd64\/0 must have required property/,
    );
    assert.deepEqual(asideFiles('results'), [], 'reading never moves the file');
  });

  it('sizes.json: the next measurement keeps a corrupt file aside, warns, and writes a valid one', async () => {
    const b = new LayoutBuilder(join(root, 'out'));
    b.writeTop([b.index([b.image('amd64', [[100, GZIP]])])]);
    await ResultsStore.forRoot(root).append([buildRecord({ ociPath: 'out' })], assert.fail);
    await keepsCorruptFileAside(sizesPath(root), 'sizes', (warn) => measureSizes({ root, warn }));
    assert.deepEqual(Object.keys((await sizeHistoryFile(root).read()).cells), ['minimal@linux/amd64']);
  });

  it('verify.json: the next verification keeps a corrupt file aside, warns, and writes a valid one', async () => {
    const result = {
      variant: 'minimal',
      platform: 'linux/amd64',
      expected: ['x86_64'],
      actual: 'x86_64',
      status: 'pass' as const,
      at: 't',
    };
    await assert.rejects(
      (async () => {
        writeFileSync(verifyPath(root), GARBAGE);
        await readVerifyResults(root);
      })(),
      CorruptStateError,
    );
    await keepsCorruptFileAside(verifyPath(root), 'verify', (warn) => writeVerifyResults(root, [result], warn));
    assert.deepEqual(await readVerifyResults(root), [result]);
  });

  it('two corruptions in a row keep both files aside', async () => {
    const store = ResultsStore.forRoot(root);
    for (const text of ['first', 'second']) {
      writeFileSync(resultsPath(root), text);
      await store.append([buildRecord()], () => undefined);
    }
    assert.deepEqual(
      asideFiles('results')
        .map((f) => readFileSync(join(root, '.multiarch', f), 'utf8'))
        .sort(),
      ['first', 'second'],
    );
  });

  it('concurrent appends from two processes keep every record', async () => {
    const worker = join(import.meta.dirname, 'appendWorker.ts');
    const n = 25;
    await Promise.all(
      ['p', 'q'].map((name) => run(process.execPath, ['--import', 'tsx', worker, root, name, String(n)])),
    );
    const variants = (await readBuildRecords(root)).map((r) => r.variant);
    assert.equal(variants.length, 2 * n, `lost ${2 * n - variants.length} buildRecord(s)`);
    assert.deepEqual(
      readdirSync(join(root, '.multiarch')).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock')),
      [],
    );
  });

  it('a lock left by a process that died is taken over', async () => {
    const { stdout } = await run(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const file = join(root, '.multiarch', 'x.json');
    writeFileSync(
      `${file}.lock`,
      JSON.stringify({ pid: Number(stdout), host: hostname(), what: 'x.json', since: '2026-01-01T00:00:00Z' }),
    );
    assert.equal(await withFileLock(file, async () => 'ran', { timeoutMs: 2000 }), 'ran');
  });

  it('a lock held by a live process times out with what to do', async () => {
    const file = join(root, '.multiarch', 'x.json');
    writeFileSync(
      `${file}.lock`,
      JSON.stringify({ pid: process.pid, host: hostname(), what: 'x.json', since: '2026-01-01T00:00:00Z' }),
    );
    await assert.rejects(
      withFileLock(file, async () => 'ran', { timeoutMs: 50 }),
      new RegExp(`held by process ${process.pid} .*delete the lock file`),
    );
  });

  it('atomic writes keep the file mode, use unique temp names and leave none behind', async () => {
    const file = join(root, 'Dockerfile');
    writeFileSync(file, 'FROM scratch\n', { mode: 0o640 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => writeFileAtomic(file, `FROM scratch\n# ${i}\n`)));
    assert.match(readFileSync(file, 'utf8'), /^FROM scratch\n# \d\n$/);
    assert.equal(statSync(file).mode & 0o777, 0o640);
    assert.deepEqual(
      readdirSync(root).filter((f) => f !== 'Dockerfile' && f !== '.multiarch'),
      [],
    );
  });
});
