// One JSON file under .multiarch/: schema-validated reads, locked read-modify-write, atomic replace, and a
// corrupt file moved aside (never silently replaced) so the history it held can still be recovered.
import { readFile, rename, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { AnySchema } from 'ajv';
import { compileSchema, firstError } from '../schema';
import { writeFileAtomic } from './atomicWrite';
import { withFileLock } from './fileLock';
import { stateDirEscape } from './stateDirEscape';

/** How a writer reports that it moved a corrupt file aside (the CLI's stderr, the editor's log and terminal). */
export type Warn = (message: string) => void;

/** For a writer that was given no channel: a process warning, printed on stderr. */
export const processWarning: Warn = (message) => process.emitWarning(message, 'MultiarchStateWarning');

export class CorruptStateError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    hint: string,
  ) {
    super(`${file} is ${reason}: ${hint}`);
    this.name = 'CorruptStateError';
  }
}

/**
 * A state file that cannot be read or written at all (a folder in its place, a full disk, no permission):
 * the message names the file, the system's reason and what to do.
 */
export class StateAccessError extends Error {
  readonly code: string | undefined;
  constructor(
    readonly file: string,
    op: 'read' | 'write',
    cause: NodeJS.ErrnoException,
  ) {
    super(
      `cannot ${op} ${file}: ${cause.code ?? ''}${cause.code ? ' ' : ''}${reasonOf(cause)}; ${accessHint(file, cause.code)}`,
    );
    this.name = 'StateAccessError';
    this.code = cause.code;
  }
}

function reasonOf(err: NodeJS.ErrnoException): string {
  // Node's text repeats the code and the syscall: "EISDIR: illegal operation on a directory, read".
  return err.message.replace(/^[A-Z]+: /, '').replace(/, \w+( '[^']*')*$/, '');
}

function accessHint(file: string, code: string | undefined): string {
  switch (code) {
    case 'EISDIR':
      return `it is a folder; move it out of the way (or delete it), then run the command again`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `the disk holding ${dirname(file)} is full; free some space, then run the command again`;
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return `this user cannot change ${dirname(file)}; fix its permissions (or mount), then run the command again`;
    default:
      return `check ${dirname(file)}, then run the command again`;
  }
}

export interface StateFileSpec<T> {
  file: string;
  schema: AnySchema;
  empty: () => T;
  /** What the user can do when a reader refuses the file (e.g. "rebuild, or delete the file …"). */
  hint: string;
}

type Loaded<T> = { ok: true; value: T } | { ok: false; reason: string };

export class StateFile<T> {
  constructor(private readonly spec: StateFileSpec<T>) {}

  get file(): string {
    return this.spec.file;
  }

  /** The stored value; the empty value when there is no file yet; CorruptStateError when it cannot be trusted. */
  async read(): Promise<T> {
    const loaded = await this.load();
    if (!loaded.ok) throw new CorruptStateError(this.file, loaded.reason, this.spec.hint);
    return loaded.value;
  }

  /**
   * Reads, applies `change` and writes the result, holding the file's lock so writers in other processes
   * cannot lose each other's changes. A corrupt file is renamed to `<name>.corrupt-<time>.json` first and
   * `change` starts from the empty value; `warn` names both files.
   */
  update(change: (current: T) => T, warn: Warn = processWarning): Promise<T> {
    return this.locked(change, warn).catch((err: unknown) => {
      // Taking the lock writes a file too (a full disk, a read-only folder): name the state file, not the draft.
      const code = (err as NodeJS.ErrnoException).code;
      throw code && !(err instanceof StateAccessError)
        ? new StateAccessError(this.file, 'write', err as NodeJS.ErrnoException)
        : err;
    });
  }

  private async locked(change: (current: T) => T, warn: Warn): Promise<T> {
    const escape = await stateDirEscape(this.file);
    if (escape) throw new Error(escape);
    return withFileLock(this.file, async () => {
      const loaded = await this.load();
      let current: T;
      if (loaded.ok) {
        current = loaded.value;
      } else {
        const aside = await moveAside(this.file);
        warn(`${this.file} was ${loaded.reason}; kept it as ${aside} and started a new one.`);
        current = this.spec.empty();
      }
      const next = change(current);
      try {
        await writeFileAtomic(this.file, `${JSON.stringify(next, null, 2)}\n`);
      } catch (err) {
        throw new StateAccessError(this.file, 'write', err as NodeJS.ErrnoException);
      }
      return next;
    });
  }

  private async load(): Promise<Loaded<T>> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, value: this.spec.empty() };
      throw new StateAccessError(this.file, 'read', err as NodeJS.ErrnoException);
    }
    let text: string;
    try {
      // Fatal decoding: a lenient one would turn bad bytes into U+FFFD and the next write would lose them.
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return { ok: false, reason: 'not valid UTF-8' };
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      return { ok: false, reason: 'not valid JSON' };
    }
    const validate = compileSchema<T>(this.spec.schema);
    if (!validate(doc)) return { ok: false, reason: `not in the expected format (${firstError(validate)})` };
    return { ok: true, value: doc };
  }
}

/** Renames `dir/name.json` to a free `dir/name.corrupt-<ISO time>[-n].json` (same folder: a rename keeps every byte). */
async function moveAside(file: string): Promise<string> {
  const stem = basename(file).replace(/\.json$/, '');
  const time = new Date().toISOString().replace(/[:.]/g, '-');
  for (let n = 1; ; n++) {
    const target = join(dirname(file), `${stem}.corrupt-${time}${n > 1 ? `-${n}` : ''}.json`);
    const taken = await stat(target).then(
      () => true,
      () => false,
    );
    // Only this lock holder renames into the folder, so a free name stays free until the rename.
    if (taken) continue;
    await rename(file, target);
    return target;
  }
}
