// One call for the CLI and the extension: recorded builds → size rows with deltas, history updated.
import { CorruptStateError, processWarning, StateAccessError, type Warn } from '../state';
import { readBuildRecords } from './buildRecords';
import { collectSizes, type CollectOptions } from './collectSizes';
import { emptyHistory, recordSamples, sizeHistoryFile, withDeltas, type SizeHistory } from './sizeHistory';
import type { SizeRow } from './types';

export interface MeasureOptions extends CollectOptions {
  historyLength?: number;
  /** Told when a corrupt sizes.json is moved aside (default: a process warning on stderr). */
  warn?: Warn;
  /**
   * Told when the measured sizes could not be saved (a read-only checkout, a full disk): the rows still come
   * back, with the deltas it could read. Default: `warn`.
   */
  onNotSaved?: (message: string) => void;
}

export async function measureSizes(opts: MeasureOptions): Promise<SizeRow[]> {
  const records = await readBuildRecords(opts.root);
  const rows = await collectSizes(records, opts);
  const file = sizeHistoryFile(opts.root);
  let before: SizeHistory | undefined;
  try {
    await file.update((history) => {
      before = history;
      return recordSamples(history, rows, opts.historyLength);
    }, opts.warn);
  } catch (err) {
    // A read-only checkout still shows sizes (with the deltas it can read); later builds' deltas are lost.
    const message = `the sizes were measured but not saved: ${(err as Error).message}`;
    (opts.onNotSaved ?? opts.warn ?? processWarning)(message);
    before ??= await file.read().catch((err: unknown) => {
      // Unreadable as well (already reported above): the sizes still show, without deltas.
      if (err instanceof CorruptStateError || err instanceof StateAccessError) return emptyHistory();
      throw err;
    });
  }
  return withDeltas(rows, before ?? emptyHistory());
}
