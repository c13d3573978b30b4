import * as vscode from 'vscode';

/** The one output channel of the extension, created first in activate(). */
export type Log = vscode.LogOutputChannel;

export function createLog(context: vscode.ExtensionContext): Log {
  const log = vscode.window.createOutputChannel('Multi-Arch Builds', { log: true });
  context.subscriptions.push(log);
  return log;
}

/** An error toast that always offers the log, plus any next-step actions. Resolves with the action chosen. */
export async function showError(log: Log, message: string, ...actions: string[]): Promise<string | undefined> {
  log.error(message);
  const choice = await vscode.window.showErrorMessage(message, ...actions, 'Show Log');
  if (choice === 'Show Log') log.show(true);
  return choice;
}

/** A warning toast for something the user should know but need not act on now (e.g. a state file kept aside). */
export function warnUser(log: Log, message: string): void {
  log.warn(message);
  void vscode.window.showWarningMessage(message, 'Show Log').then((choice) => {
    if (choice === 'Show Log') log.show(true);
  });
}
