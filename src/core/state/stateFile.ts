// One JSON file under .multiarch/: schema-validated reads, locked read-modify-write, atomic replace, and a
// corrupt file moved aside (never silently replaced) so the history it held can still be recovered.
import { readFile, rename, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { AnySchema } from 'ajv';
import { compileSchema, firstError } from '../schema';
import { writeFileAtomic } from './atomicWrite';
import { withFileLock } from './fileLock';

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
      await writeFileAtomic(this.file, `${JSON.stringify(next, null, 2)}\n`);
      return next;
    });
  }

  private async load(): Promise<Loaded<T>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, value: this.spec.empty() };
      throw err;
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
