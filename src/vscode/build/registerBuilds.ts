import * as vscode from 'vscode';
import { CellLocks } from '../../core/build/cellLocks';
import type { BuildRunner } from '../../core/build/runner';
import { programsFromEnv } from '../../core/engines/programs';
import { STATE_DIR_NAME } from '../../core/state/paths';
import type { EngineService } from '../engine/engineService';
import type { Log } from '../log';
import { buildTimeoutMs, maxParallelJobs } from '../settings';
import type { ConfigModel } from '../model/configModel';
import { BuildService } from './buildService';
import type { CellStates } from '../model/cellStates';

/** The build service (tasks and the build commands run through it) and what keeps the cell states fresh. */
export function registerBuilds(
  context: vscode.ExtensionContext,
  { model, engines, cells, log }: { model: ConfigModel; engines: EngineService; cells: CellStates; log: Log },
): BuildService {
  const locks = new CellLocks();
  // The runner (and the engines, registry and archive code under it) loads with the first build.
  let runner: Promise<BuildRunner> | undefined;
  const service = new BuildService({
    model,
    engines,
    cells,
    locks,
    runner: () => (runner ??= runnerFromSettings(locks)),
    log,
  });
  const restore = (): void =>
    void import('./restoreCellStates').then(({ restoreCellStates }) => restoreCellStates(model, cells, log));
  context.subscriptions.push(
    service,
    model.onDidChange(restore),
    ...watchResults(restore),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // Running builds keep their runner; the next one uses the new limits (same locks, so no cell doubles up).
      if (
        e.affectsConfiguration('multiarch.maxParallelJobs') ||
        e.affectsConfiguration('multiarch.buildTimeoutMinutes')
      )
        runner = undefined;
    }),
  );
  return service;
}

/** Results and verifications written by anyone (this window, the CLI) show up in the tree. */
function watchResults(onChange: () => void): vscode.Disposable[] {
  const watcher = vscode.workspace.createFileSystemWatcher(`**/${STATE_DIR_NAME}/{results,verify}.json`);
  return [watcher, watcher.onDidCreate(onChange), watcher.onDidChange(onChange)];
}

async function runnerFromSettings(locks: CellLocks): Promise<BuildRunner> {
  const { BuildRunner } = await import('../../core/build/runner');
  return new BuildRunner({
    locks,
    // The same programs detection found: $MULTIARCH_DOCKER / $MULTIARCH_PODMAN, as on the command line.
    programs: programsFromEnv(process.env),
    concurrency: maxParallelJobs(),
    timeoutMs: buildTimeoutMs(),
  });
}
