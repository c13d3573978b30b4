// Export Build Report: the Markdown results document, written where the user chooses and opened.
import * as vscode from 'vscode';
import { collectReport } from '../../core/report/collectReport';
import { renderReport } from '../../core/report/renderReport';
import type { CommandFactory } from '../command';
import { showError } from '../log';
import { findProjects } from '../model/projects';

/** `target` lets tests and other commands skip the save dialog. */
export const exportReport: CommandFactory = {
  create:
    ({ model, log }) =>
    async (target?: unknown) => {
      const [project] = await findProjects(model);
      if (!project) {
        void showError(
          log,
          'Export Build Report needs a folder with a Dockerfile or multiarch.yaml: open one, then build it.',
        );
        return undefined;
      }
      const { config } = project;
      const uri =
        target instanceof vscode.Uri
          ? target
          : await vscode.window.showSaveDialog({
              defaultUri: vscode.Uri.joinPath(project.folder.uri, 'multiarch-report.md'),
              filters: { Markdown: ['md'] },
              title: 'Export Build Report',
            });
      if (!uri) return undefined;
      const platforms = [...new Set(config.variants.flatMap((v) => v.platforms))].sort();
      const text = renderReport(
        await collectReport({ root: config.root, env: process.env, platforms, variantArg: config.variantArg }),
      );
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
      log.info(`report written to ${uri.fsPath}`);
      if (!(target instanceof vscode.Uri)) await vscode.window.showTextDocument(uri, { preview: false });
      return uri;
    },
};
