import { cellId, type Cell } from '../jobs';
import { processWarning, resultsPath, StateFile, type Warn } from '../state';
import type { BuildRecord } from './types';

/** `.multiarch/results.json`: the last N builds of every cell, newest first. */
export interface ResultsFile {
  version: 1;
  cells: Record<string, BuildRecord[]>;
}

const str = { type: 'string' };
const buildRecordSchema = {
  type: 'object',
  required: ['variant', 'platform', 'engine', 'output', 'status', 'startedAt', 'durationMs'],
  properties: {
    variant: str,
    platform: str,
    engine: str,
    engineVersion: str,
    output: str,
    status: { enum: ['succeeded', 'failed', 'cancelled'] },
    startedAt: str,
    durationMs: { type: 'number' },
    image: str,
    ociPath: str,
    digest: str,
    exitCode: { type: 'number' },
    error: str,
    emulated: { type: 'boolean' },
    node: str,
    builder: str,
    timing: { type: 'object' },
  },
};
const resultsSchema = {
  type: 'object',
  required: ['version', 'cells'],
  properties: {
    version: { const: 1 },
    cells: { type: 'object', additionalProperties: { type: 'array', items: buildRecordSchema } },
  },
};

export class ResultsStore {
  private readonly state: StateFile<ResultsFile>;

  constructor(
    readonly file: string,
    readonly keepPerCell = 20,
  ) {
    this.state = new StateFile<ResultsFile>({
      file,
      schema: resultsSchema,
      empty: () => ({ version: 1, cells: {} }),
      hint: 'rebuild, or delete the file to start a fresh history (a rebuild keeps this file aside as results.corrupt-<time>.json)',
    });
  }

  static forRoot(root: string, keepPerCell?: number): ResultsStore {
    return new ResultsStore(resultsPath(root), keepPerCell);
  }

  /** The stored history; empty before the first build; CorruptStateError when the file cannot be trusted. */
  read(): Promise<ResultsFile> {
    return this.state.read();
  }

  /** Every recorded build, oldest first. */
  async records(): Promise<BuildRecord[]> {
    return Object.values((await this.read()).cells)
      .flat()
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }

  async history(cell: Cell): Promise<BuildRecord[]> {
    return (await this.read()).cells[cellId(cell)] ?? [];
  }

  async latest(cell: Cell): Promise<BuildRecord | undefined> {
    return (await this.history(cell))[0];
  }

  /**
   * Adds records under the file's lock (other processes' appends are re-read, not lost) and replaces the
   * file atomically. A corrupt file is kept aside and reported through `warn`, never silently dropped.
   */
  async append(records: BuildRecord[], warn: Warn = processWarning): Promise<void> {
    await this.state.update((data) => {
      const cells = { ...data.cells };
      for (const r of records) {
        const id = cellId(r);
        cells[id] = [r, ...(cells[id] ?? [])]
          .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
          .slice(0, this.keepPerCell);
      }
      return { version: 1, cells };
    }, warn);
  }
}
