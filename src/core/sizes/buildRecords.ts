// The build results the sizes, verify and report readers start from.
import { cellId } from '../jobs';
import { ResultsStore } from '../results/store';
import type { BuildRecord } from '../results/types';

/** All recorded builds, oldest first; none when nothing was built yet. Refuses (CorruptStateError) a corrupt file. */
export function readBuildRecords(root: string): Promise<BuildRecord[]> {
  return ResultsStore.forRoot(root).records();
}

/** The newest succeeded record of each cell (variant × platform). */
export function latestSucceeded(records: BuildRecord[]): BuildRecord[] {
  const byCell = new Map<string, BuildRecord>();
  for (const r of records) if (r.status === 'succeeded') byCell.set(cellId(r), r);
  return [...byCell.values()];
}
