import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stateDir, stateDirEscape, writeFileAtomic } from '../state';

/** Answers older than this are asked again: tags move, but not from one keystroke to the next. */
export const PLATFORM_CACHE_TTL_MS = 6 * 60 * 60 * 1000;

interface Entry {
  platforms: string[];
  at: number;
}

/** Platforms per image reference, on disk under the project's state folder, with a TTL. */
export class PlatformCache {
  private entries?: Map<string, Entry>;
  /** Writes run one after another, each with the entries as they are when it starts: no stale overwrite. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly ttlMs = PLATFORM_CACHE_TTL_MS,
    private readonly now = () => Date.now(),
  ) {}

  static forProject(root: string): PlatformCache {
    return new PlatformCache(join(stateDir(root), 'cache', 'image-platforms.json'));
  }

  async get(ref: string): Promise<string[] | undefined> {
    const e = (await this.load()).get(ref);
    return e && this.fresh(e) ? e.platforms : undefined;
  }

  /** Younger than the TTL; an entry dated in the future (a clock set back, a hand edit) is never fresh. */
  private fresh(e: Entry): boolean {
    const age = this.now() - e.at;
    return age >= 0 && age < this.ttlMs;
  }

  async set(ref: string, platforms: string[]): Promise<void> {
    const entries = await this.load();
    entries.set(ref, { platforms, at: this.now() });
    const write = async () => {
      // A .multiarch that links out of the project is never written through (the answers only save look-ups).
      if (await stateDirEscape(this.file)) return;
      const fresh = [...entries].filter(([, e]) => this.fresh(e));
      await writeFileAtomic(this.file, JSON.stringify(Object.fromEntries(fresh), null, 2) + '\n');
    };
    this.writing = this.writing.then(write, write);
    await this.writing;
  }

  private async load(): Promise<Map<string, Entry>> {
    if (this.entries) return this.entries;
    this.entries = new Map();
    // Nor read through: answers planted outside the project would change what lint reports.
    if (await stateDirEscape(this.file)) return this.entries;
    try {
      const raw = JSON.parse(await readFile(this.file, 'utf8')) as Record<string, Entry>;
      for (const [k, v] of Object.entries(raw)) {
        if (Array.isArray(v?.platforms) && typeof v.at === 'number')
          this.entries.set(k, { platforms: v.platforms.filter((p) => typeof p === 'string'), at: v.at });
      }
    } catch {
      // A missing or unreadable cache is an empty one: it only saves lookups.
    }
    return this.entries;
  }
}
