import { ResultsStore } from '../../core/results/store';
import type { ConfigModel } from '../model/configModel';
import type { CellStates } from './cellStates';

/** After a reload, idle cells show what their last recorded build did (from .multiarch/results.json). */
export async function restoreCellStates(model: ConfigModel, cells: CellStates): Promise<void> {
  for (const { config } of model.configs) {
    const store = ResultsStore.forRoot(config.root);
    for (const v of config.variants) {
      for (const platform of v.platforms) {
        const cell = { variant: v.name, platform };
        if (cells.get(cell).status !== 'idle') continue;
        const last = await store.latest(cell);
        if (!last) continue;
        cells.update(cell, {
          status: last.status,
          durationMs: last.durationMs,
          finishedAt: new Date(Date.parse(last.startedAt) + last.durationMs),
          detail: last.error ?? last.image ?? last.ociPath ?? '',
        });
      }
    }
  }
}
