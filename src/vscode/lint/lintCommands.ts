import * as vscode from 'vscode';
import type { CommandFactory } from '../command';
import { fixAllEdit } from './codeActions';
import { isDockerfile } from './documents';

/** Fix All Dockerfile Problems on the given Dockerfile or the active editor's; resolves whether an edit was applied. */
export const fixAllDockerfileProblems: CommandFactory = {
  create:
    ({ lint, log }) =>
    async (uri?: vscode.Uri) => {
      const document =
        uri instanceof vscode.Uri
          ? await vscode.workspace.openTextDocument(uri)
          : vscode.window.activeTextEditor?.document;
      // Lint stays quiet (no toasts, no status bar): the outcome goes to the log and the return value.
      if (!document || !isDockerfile(document)) {
        log.info('Fix All Dockerfile Problems: the active editor is not a Dockerfile; open one and run it again');
        return false;
      }
      const edit = fixAllEdit(document, await lint.service());
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
    },
};
