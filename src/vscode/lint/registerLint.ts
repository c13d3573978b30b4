import * as vscode from 'vscode';
import { dockerfileGlob } from '../../core/config/fileNames';
import type { Log } from '../log';
import { FIX_ALL_KIND, fixAllEdit, LintCodeActions } from './codeActions';
import { isDockerfile } from './documents';
import { LintService } from './lintService';

const SELECTOR: vscode.DocumentSelector = [
  { language: 'dockerfile' },
  { scheme: 'file', pattern: `**/{${dockerfileGlob}}` },
];

/** Dockerfile diagnostics, quick-fixes and "Fix All Dockerfile Problems". Quiet: no notifications. */
export function registerLint(context: vscode.ExtensionContext, log: Log): LintService {
  const service = new LintService(log);
  context.subscriptions.push(
    service,
    vscode.languages.registerCodeActionsProvider(SELECTOR, new LintCodeActions(service), LintCodeActions.metadata),
    vscode.commands.registerCommand('multiarch.lint.fixAll', async (uri?: vscode.Uri) => {
      const document =
        uri instanceof vscode.Uri
          ? await vscode.workspace.openTextDocument(uri)
          : vscode.window.activeTextEditor?.document;
      // Lint stays quiet (no toasts, no status bar): the outcome goes to the log and the return value.
      if (!document || !isDockerfile(document)) {
        log.info('Fix All Dockerfile Problems: the active editor is not a Dockerfile; open one and run it again');
        return false;
      }
      const edit = fixAllEdit(document, service);
      if (!edit) {
        log.info(`Fix All Dockerfile Problems: nothing fixable in ${document.uri.toString()}`);
        return false;
      }
      const applied = await vscode.workspace.applyEdit(edit);
      if (!applied)
        log.warn(
          `Fix All Dockerfile Problems: the edit to ${document.uri.toString()} was rejected (the file changed meanwhile?)`,
        );
      return applied;
    }),
  );
  log.info(`lint: ready (fix-all kind ${FIX_ALL_KIND.value})`);
  return service;
}
