import { ResultsStore } from '../../core/results/store';
import { checkLines } from '../../core/verify/types';
import { readVerifyResults } from '../../core/verify/verifyStore';
import type { ConfigModel } from '../model/configModel';
import type { CellStates } from './cellStates';

/**
 * What the tree shows from disk: idle cells take their last recorded build (.multiarch/results.json), and
 * every cell takes its latest architecture verification (.multiarch/verify.json), whoever wrote them
 * (this window, the CLI, another window).
 */
export async function restoreCellStates(model: ConfigModel, cells: CellStates): Promise<void> {
  for (const { config } of model.configs) {
    const store = ResultsStore.forRoot(config.root);
    const verified = new Map((await readVerifyResults(config.root)).map((r) => [`${r.variant}@${r.platform}`, r]));
    for (const v of config.variants) {
      for (const platform of v.platforms) {
        const cell = { variant: v.name, platform };
        const check = verified.get(`${v.name}@${platform}`);
        if (check) {
          cells.update(cell, { verify: { status: check.status, text: checkLines(check).join('\n') } });
        }
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
