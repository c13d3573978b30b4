import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { cellId, type Cell } from '../matrix/types';
import type { BuildRecord } from './types';

/** `.multiarch/results.json`: the last N builds of every cell, newest first. */
export interface ResultsFile {
  version: 1;
  cells: Record<string, BuildRecord[]>;
}

export function resultsPath(root: string): string {
  return join(root, '.multiarch', 'results.json');
}

export class ResultsStore {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly file: string,
    readonly keepPerCell = 20,
  ) {}

  static forRoot(root: string, keepPerCell?: number): ResultsStore {
    return new ResultsStore(resultsPath(root), keepPerCell);
  }

  /** An unreadable or foreign file reads as empty history rather than blocking builds. */
  async read(): Promise<ResultsFile> {
    try {
      const data = JSON.parse(await readFile(this.file, 'utf8')) as Partial<ResultsFile>;
      if (data.version === 1 && data.cells && typeof data.cells === 'object') return { version: 1, cells: data.cells };
    } catch {
      // missing or corrupt: start over
    }
    return { version: 1, cells: {} };
  }

  async history(cell: Cell): Promise<BuildRecord[]> {
    return (await this.read()).cells[cellId(cell)] ?? [];
  }

  async latest(cell: Cell): Promise<BuildRecord | undefined> {
    return (await this.history(cell))[0];
  }

  /**
   * Adds records (serialised within this process) and replaces the file atomically: readers, including
   * another process, see either the old or the new file, never half of one.
   */
  append(records: BuildRecord[]): Promise<void> {
    const next = this.chain.then(async () => {
      const data = await this.read();
      for (const r of records) {
        const id = cellId(r);
        data.cells[id] = [r, ...(data.cells[id] ?? [])]
          .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
          .slice(0, this.keepPerCell);
      }
      await mkdir(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(tmp, JSON.stringify(data, null, 2) + '\n');
      await rename(tmp, this.file);
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}
