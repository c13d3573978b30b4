import { cellId } from '../../core/jobs';
import { ResultsStore } from '../../core/results/store';
import { CorruptStateError } from '../../core/state';
import { checkLines, type VerifyResult } from '../../core/verify/types';
import { readVerifyResults } from '../../core/verify/verifyStore';
import type { Log } from '../log';
import type { ConfigModel } from '../model/configModel';
import type { CellStates } from '../model/cellStates';

/**
 * What the tree shows from disk: idle cells take their last recorded build (.multiarch/results.json), and
 * every cell takes its latest architecture verification (.multiarch/verify.json), whoever wrote them
 * (this window, the CLI, another window). A corrupt file shows as nothing recorded (logged); the next build
 * or verification keeps it aside and says so.
 */
export async function restoreCellStates(model: ConfigModel, cells: CellStates, log: Log): Promise<void> {
  const orNothing = <T>(what: Promise<T>, nothing: T): Promise<T> =>
    what.catch((err: unknown) => {
      if (!(err instanceof CorruptStateError)) throw err;
      log.warn(err.message);
      return nothing;
    });
  for (const { config } of model.configs) {
    const results = await orNothing(ResultsStore.forRoot(config.root).read(), { version: 1 as const, cells: {} });
    const verified = new Map(
      (await orNothing<VerifyResult[]>(readVerifyResults(config.root), [])).map((r) => [cellId(r), r]),
    );
    for (const v of config.variants) {
      for (const platform of v.platforms) {
        const cell = { variant: v.name, platform };
        const check = verified.get(cellId(cell));
        if (check) {
          cells.update(cell, { verify: { status: check.status, text: checkLines(check).join('\n') } });
        }
        if (cells.get(cell).status !== 'idle') continue;
        const last = results.cells[cellId(cell)]?.[0];
        if (!last) continue;
        cells.update(cell, {
          status: last.status,
          durationMs: last.durationMs,
          finishedAt: new Date(Date.parse(last.startedAt) + last.durationMs),
          detail: last.error ?? last.image ?? last.ociPath ?? '',
          timing: last.timing,
          node: last.node,
        });
      }
    }
  }
}
