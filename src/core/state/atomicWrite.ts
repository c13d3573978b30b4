// Replace a file so that readers, in this process or another, see the old or the new content, never half
// of one, and a crash leaves at most a stray temp file: write a uniquely named temp file in the same folder,
// fsync it, rename it over the target, then fsync the folder so the rename itself survives a power cut.
import { randomBytes } from 'node:crypto';
import { mkdir, open, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** File mode for a new file; an existing file keeps its own mode. */
  mode?: number;
}

export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  o: AtomicWriteOptions = {},
): Promise<void> {
  // A symlink is written through: the rename replaces its target, so the link (and whoever shares the
  // target) keeps pointing at the new content instead of being replaced by a regular file.
  const file = await realpath(path).catch(() => path);
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  // An existing file keeps its mode; a new one gets `mode` less the umask, as open(2) applies it.
  const existing = await stat(file).then(
    (s) => s.mode & 0o7777,
    () => undefined,
  );
  // pid + random: two processes (or two writes in one) never share a temp name.
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, 'wx', existing ?? o.mode ?? 0o666);
    try {
      await handle.writeFile(data);
      if (existing !== undefined) await handle.chmod(existing);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDir(dir);
}

async function syncDir(dir: string): Promise<void> {
  // Not every platform can open a folder for fsync (Windows); the rename is still atomic there.
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // EINVAL/EPERM on some file systems: nothing more to do.
  } finally {
    await handle.close();
  }
}
