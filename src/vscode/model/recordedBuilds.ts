// When what the builds recorded may have changed: a build run in this window ended (the build service fires
// its event after the run's records are stored) or a results.json changed (the CLI, another window).
import * as vscode from 'vscode';
import { STATE_DIR_NAME } from '../../core/state';

/** Calls `changed` on each such change until disposed. */
export function watchRecordedBuilds(onDidFinishBuild: vscode.Event<unknown>, changed: () => void): vscode.Disposable {
  const watcher = vscode.workspace.createFileSystemWatcher(`**/${STATE_DIR_NAME}/results.json`);
  return vscode.Disposable.from(
    watcher,
    watcher.onDidChange(changed),
    watcher.onDidCreate(changed),
    watcher.onDidDelete(changed),
    onDidFinishBuild(changed),
  );
}
