import * as vscode from 'vscode';
import { CellLocks } from '../../core/build/cellLocks';
import { BuildRunner } from '../../core/build/runner';
import { programsFromEnv } from '../../core/engines/detect';
import { STATE_DIR_NAME } from '../../core/state';
import type { EngineService } from '../engine/engineService';
import type { Log } from '../log';
import type { ConfigModel } from '../model/configModel';
import { registerBuildCommands } from './buildCommands';
import { BuildService } from './buildService';
import { registerRemoveBrokenImage } from './removeBrokenImage';
import type { CellStates } from '../model/cellStates';
import { restoreCellStates } from './restoreCellStates';

/** The build service (tasks run through it) and the build commands. */
export function registerBuilds(
  context: vscode.ExtensionContext,
  model: ConfigModel,
  engines: EngineService,
  cells: CellStates,
  log: Log,
): BuildService {
  const locks = new CellLocks();
  let runner = runnerFromSettings(locks);
  const service = new BuildService(model, engines, cells, () => runner, log);
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
  registerBuildCommands(context, model, service, log);
  registerRemoveBrokenImage(context, model, log);
  return service;
}

/** Results and verifications written by anyone (this window, the CLI) show up in the tree. */
function watchResults(onChange: () => void): vscode.Disposable[] {
  const watcher = vscode.workspace.createFileSystemWatcher(`**/${STATE_DIR_NAME}/{results,verify}.json`);
  return [watcher, watcher.onDidCreate(onChange), watcher.onDidChange(onChange)];
}

function runnerFromSettings(locks: CellLocks): BuildRunner {
  const settings = vscode.workspace.getConfiguration('multiarch');
  const timeoutMinutes = settings.get<number>('buildTimeoutMinutes') ?? 60;
  return new BuildRunner({
    locks,
    // The same programs detection found: $MULTIARCH_DOCKER / $MULTIARCH_PODMAN, as on the command line.
    programs: programsFromEnv(process.env),
    concurrency: Math.max(1, settings.get<number>('maxParallelJobs') ?? 2),
    ...(timeoutMinutes > 0 ? { timeoutMs: timeoutMinutes * 60_000 } : {}),
  });
}
