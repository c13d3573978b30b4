// One call for the CLI and the extension: recorded builds → size rows with deltas, history updated.
import { readBuildRecords } from './buildRecords';
import { collectSizes, type CollectOptions } from './collectSizes';
import { readSizeHistory, recordSamples, withDeltas, writeSizeHistory } from './sizeHistory';
import type { SizeRow } from './types';

export async function measureSizes(opts: CollectOptions & { historyLength?: number }): Promise<SizeRow[]> {
  const records = await readBuildRecords(opts.root);
  const rows = await collectSizes(records, opts);
  const history = await readSizeHistory(opts.root);
  const out = withDeltas(rows, history);
  try {
    await writeSizeHistory(opts.root, recordSamples(history, rows, opts.historyLength));
  } catch {
    // A read-only checkout still shows sizes; only the deltas of later builds are lost.
  }
  return out;
}
