import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ResultsStore } from '../../../src/core/results/store';
import { CorruptStateError, resultsPath, stateProblem, writeFileAtomic } from '../../../src/core/state';
import { readVerifyResults } from '../../../src/core/verify/verifyStore';
import { sizeHistoryFile } from '../../../src/core/sizes/sizeHistory';
import { buildRecord } from '../helpers/buildRecord';
import { PlatformCache } from '../../../src/core/registry';

const isRoot = process.getuid?.() === 0;

describe('state files on a hostile file system', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hostile-state-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('new state files respect the umask (0644 under 022); an existing file keeps its mode', async () => {
    const previous = process.umask(0o022);
    try {
      await ResultsStore.forRoot(root).append([buildRecord()]);
      assert.equal(statSync(resultsPath(root)).mode & 0o777, 0o644);
      await sizeHistoryFile(root).update((h) => h);
      assert.equal(statSync(join(root, '.multiarch', 'sizes.json')).mode & 0o777, 0o644);
      const own = join(root, 'own.json');
      await writeFileAtomic(own, '{}');
      assert.equal(statSync(own).mode & 0o777, 0o644);
      execFileSync('chmod', ['600', own]);
      await writeFileAtomic(own, '{"a":1}');
      assert.equal(statSync(own).mode & 0o777, 0o600);
    } finally {
      process.umask(previous);
    }
  });

  it('invalid UTF-8 inside results.json is corrupt: readers refuse it, the next writer keeps it aside byte for byte', async () => {
    const file = resultsPath(root);
    mkdirSync(join(root, '.multiarch'));
    const bytes = Buffer.concat([
      Buffer.from('{"version":1,"cells":{"minimal@linux/amd64":[{"variant":"min'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(
        'imal","platform":"linux/amd64","engine":"podman","output":"oci","status":"succeeded","startedAt":"x","durationMs":1}]}}',
      ),
    ]);
    writeFileSync(file, bytes);
    await assert.rejects(ResultsStore.forRoot(root).read(), (e: unknown) => {
      assert.ok(e instanceof CorruptStateError);
      assert.match(e.message, /is not valid UTF-8/);
      return true;
    });
    const warnings: string[] = [];
    await ResultsStore.forRoot(root).append([buildRecord()], (m) => warnings.push(m));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /was not valid UTF-8; kept it as .*results\.corrupt-.*\.json/);
    const aside = readdirSync(join(root, '.multiarch')).find((n) => n.startsWith('results.corrupt-'))!;
    assert.deepEqual(readFileSync(join(root, '.multiarch', aside)), bytes);
  });

  it('results.json as a folder: the error names the path and what to do, and a build is refused before it runs', async () => {
    mkdirSync(resultsPath(root), { recursive: true });
    await assert.rejects(ResultsStore.forRoot(root).append([buildRecord()]), (e: Error) => {
      assert.equal(e.message.startsWith(`cannot read ${resultsPath(root)}: EISDIR`), true, e.message);
      assert.match(e.message, /it is a folder; move it out of the way/);
      return true;
    });
    await assert.rejects(
      readVerifyResults(root).then(() => ResultsStore.forRoot(root).read()),
      /EISDIR/,
    );
    assert.match((await stateProblem(root)) ?? '', new RegExp(`${resultsPath(root)}.*it is a folder`));
    rmSync(resultsPath(root), { recursive: true });
    assert.equal(await stateProblem(root), undefined);
    assert.deepEqual(readdirSync(join(root, '.multiarch')), [], 'the probe left a file');
  });

  it('sizes that could not save what it measured says so and exits 1', async () => {
    const { run } = await import('../../../src/cli/commands/sizes');
    writeFileSync(join(root, 'multiarch.yaml'), 'image: app\n');
    writeFileSync(join(root, 'Dockerfile'), 'FROM scratch\n');
    mkdirSync(join(root, '.multiarch', 'sizes.json'), { recursive: true });
    let err = '';
    const code = await run([], { cwd: root, env: {}, out: () => undefined, err: (t) => (err += t) });
    assert.equal(code, 1);
    assert.match(err, /the sizes were measured but not saved: cannot read .*sizes\.json: EISDIR.*it is a folder/);
  });

  it('a .multiarch symlink out of the project is not followed: writes and builds are refused, naming it', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'elsewhere-'));
    try {
      symlinkSync(elsewhere, join(root, '.multiarch'));
      await assert.rejects(
        ResultsStore.forRoot(root).append([buildRecord()]),
        /\.multiarch is a symlink to .*outside the project.*replace the link with a folder/,
      );
      assert.match((await stateProblem(root)) ?? '', /is a symlink to .*outside the project/);
      assert.deepEqual(readdirSync(elsewhere), [], 'something was written through the link');
      // A link to a folder inside the project is fine.
      rmSync(join(root, '.multiarch'));
      mkdirSync(join(root, 'state'));
      symlinkSync(join(root, 'state'), join(root, '.multiarch'));
      await ResultsStore.forRoot(root).append([buildRecord()]);
      assert.deepEqual(readdirSync(join(root, 'state')), ['results.json']);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it("a .multiarch symlink out of the project: lint's base-image cache is neither read nor written through it", async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'elsewhere-'));
    try {
      symlinkSync(elsewhere, join(root, '.multiarch'));
      mkdirSync(join(elsewhere, 'cache'));
      const planted = join(elsewhere, 'cache', 'image-platforms.json');
      writeFileSync(planted, JSON.stringify({ 'busybox:1': { platforms: ['linux/s390x'], at: Date.now() } }));
      const cache = PlatformCache.forProject(root);
      assert.equal(await cache.get('busybox:1'), undefined, 'an answer was read through the link');
      await cache.set('alpine:3', ['linux/amd64']);
      assert.deepEqual(readdirSync(join(elsewhere, 'cache')), ['image-platforms.json']);
      assert.doesNotMatch(readFileSync(planted, 'utf8'), /alpine/, 'an answer was written through the link');
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('a file inside .multiarch that links out of the project is not written through: lint keeps no cache, a build is refused naming it', async () => {
    const victim = join(mkdtempSync(join(tmpdir(), 'victim-')), 'precious.txt');
    try {
      writeFileSync(victim, 'precious\n');
      mkdirSync(join(root, '.multiarch', 'cache'), { recursive: true });
      symlinkSync(victim, join(root, '.multiarch', 'cache', 'image-platforms.json'));
      await PlatformCache.forProject(root).set('alpine:3', ['linux/amd64']);
      assert.equal(readFileSync(victim, 'utf8'), 'precious\n', 'the cache was written through the link');
      rmSync(join(root, '.multiarch', 'cache'), { recursive: true });
      // A build writes its logs, bake file and warm-up Dockerfiles there with plain writes: refused up front.
      mkdirSync(join(root, '.multiarch', 'logs'));
      symlinkSync(victim, join(root, '.multiarch', 'logs', 'a@linux-amd64.log'));
      assert.match(
        (await stateProblem(root)) ?? '',
        /\.multiarch\/logs\/a@linux-amd64\.log is a symlink to .*precious\.txt, outside the project; .*rm /,
      );
      assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
    } finally {
      rmSync(dirname(victim), { recursive: true, force: true });
    }
  });

  (isRoot ? it : it.skip)(
    'a full disk: the error names the file, no temp or lock draft is left, the old file stays',
    async () => {
      const mnt = join(root, 'mnt');
      mkdirSync(mnt);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]);
      try {
        const store = ResultsStore.forRoot(mnt, 1000);
        await store.append([buildRecord()]);
        const before = readFileSync(resultsPath(mnt));
        // Fill the rest of the file system.
        writeFileSync(join(mnt, 'filler'), Buffer.alloc(60 * 1024 - before.length));
        const many = Array.from({ length: 200 }, (_, i) =>
          buildRecord({ startedAt: `2026-11-30T09:00:${i}Z`, error: 'x'.repeat(200) }),
        );
        await assert.rejects(store.append(many), (e: Error) => {
          assert.match(
            e.message,
            new RegExp(`^cannot (write|read) ${resultsPath(mnt)}.*ENOSPC.*the disk holding .* is full`),
          );
          return true;
        });
        assert.deepEqual(readFileSync(resultsPath(mnt)), before, 'the previous file changed');
        assert.deepEqual(readdirSync(join(mnt, '.multiarch')), ['results.json'], 'temp or lock files were left');
        assert.match((await stateProblem(mnt)) ?? '', /ENOSPC/);
      } finally {
        execFileSync('umount', [mnt]);
      }
    },
  );
});
