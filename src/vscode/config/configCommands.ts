import { basename } from 'node:path';
import * as vscode from 'vscode';
import { findDockerfile, imageNameFor } from '../../core/config/discover';
import { scaffoldConfig } from '../../core/config/scaffold';
import type { CommandFactory } from '../command';
import { showError } from '../log';
import { defaultPlatforms } from '../settings';

// Open Config and Create multiarch.yaml.

export const openConfig: CommandFactory = {
  create:
    ({ model }) =>
    async () => {
      const withFile = model.folders.find((f) => f.config.kind === 'file');
      if (withFile?.config.kind === 'file') {
        await vscode.window.showTextDocument(vscode.Uri.file(withFile.config.file));
        return;
      }
      const choice = await vscode.window.showInformationMessage(
        'This workspace has no multiarch.yaml yet. Create one from the Dockerfile?',
        'Create multiarch.yaml',
      );
      if (choice) await vscode.commands.executeCommand('multiarch.config.create');
    },
};

export const createConfig: CommandFactory = {
  create:
    ({ model, log }) =>
    async (folderArg?: vscode.WorkspaceFolder) => {
      const folder = folderArg ?? (await pickFolder());
      if (!folder) {
        void showError(log, 'Open a folder that contains a Dockerfile first, then run "Create multiarch.yaml" again.');
        return;
      }
      const target = vscode.Uri.joinPath(folder.uri, 'multiarch.yaml');
      if (await exists(target)) {
        await vscode.window.showTextDocument(target);
        void vscode.window.showInformationMessage('multiarch.yaml already exists; opened it.');
        return;
      }
      const dockerfile = await findDockerfile(folder.uri.fsPath);
      if (!dockerfile) {
        void showError(
          log,
          `No Dockerfile or Containerfile in ${folder.name}. Add one at the folder root, then run "Create multiarch.yaml" again.`,
        );
        return;
      }
      const platforms = defaultPlatforms(folder);
      const dockerfileText = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(dockerfile)));
      const text = scaffoldConfig({
        dockerfileText,
        dockerfileName: basename(dockerfile),
        image: imageNameFor(folder.uri.fsPath),
        platforms,
      });
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
      log.info(`created ${target.fsPath}`);
      await model.reload();
      await vscode.window.showTextDocument(target);
    },
};

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Folder to create multiarch.yaml in' });
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
