import * as vscode from 'vscode';
import { CellLocks } from '../../core/build/cellLocks';
import { BuildRunner } from '../../core/build/runner';
import { programsFromEnv } from '../../core/engines/detect';
import { STATE_DIR_NAME } from '../../core/state';
import type { EngineService } from '../engine/engineService';
import type { Log } from '../log';
import { buildTimeoutMs, maxParallelJobs } from '../settings';
import type { ConfigModel } from '../model/configModel';
import { BuildService } from './buildService';
import type { CellStates } from '../model/cellStates';
import { restoreCellStates } from './restoreCellStates';

/** The build service (tasks and the build commands run through it) and what keeps the cell states fresh. */
export function registerBuilds(
  context: vscode.ExtensionContext,
  { model, engines, cells, log }: { model: ConfigModel; engines: EngineService; cells: CellStates; log: Log },
): BuildService {
  const locks = new CellLocks();
  let runner = runnerFromSettings(locks);
  const service = new BuildService({ model, engines, cells, runner: () => runner, log });
  context.subscriptions.push(
    service,
    model.onDidChange(() => void restoreCellStates(model, cells, log)),
    ...watchResults(() => void restoreCellStates(model, cells, log)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // Running builds keep their runner; the next one uses the new limits (same locks, so no cell doubles up).
      if (
        e.affectsConfiguration('multiarch.maxParallelJobs') ||
        e.affectsConfiguration('multiarch.buildTimeoutMinutes')
      )
        runner = runnerFromSettings(locks);
    }),
  );
  return service;
}

/** Results and verifications written by anyone (this window, the CLI) show up in the tree. */
function watchResults(onChange: () => void): vscode.Disposable[] {
  const watcher = vscode.workspace.createFileSystemWatcher(`**/${STATE_DIR_NAME}/{results,verify}.json`);
  return [watcher, watcher.onDidCreate(onChange), watcher.onDidChange(onChange)];
}

function runnerFromSettings(locks: CellLocks): BuildRunner {
  return new BuildRunner({
    locks,
    // The same programs detection found: $MULTIARCH_DOCKER / $MULTIARCH_PODMAN, as on the command line.
    programs: programsFromEnv(process.env),
    concurrency: maxParallelJobs(),
    timeoutMs: buildTimeoutMs(),
  });
}
