import * as vscode from 'vscode';
import { showError, type Log } from '../log';
import type { ConfigModel } from '../model/configModel';
import { cellOf, type Node } from '../tree/nodes';
import { taskType, type MultiArchTaskDefinition } from './taskDefinition';
import type { BuildService } from './buildService';

/** Build All Architectures, Build Variant, Push Variant, Build This Platform, Cancel Builds, Show Build Log. */
export function registerBuildCommands(
  context: vscode.ExtensionContext,
  model: ConfigModel,
  builds: BuildService,
  log: Log,
): void {
  const folderOf = (node?: Node): vscode.WorkspaceFolder | undefined =>
    node && 'folder' in node ? node.folder : model.configs[0]?.folder;

  const pickVariant = async (
    title: string,
  ): Promise<{ folder: vscode.WorkspaceFolder; variant: string } | undefined> => {
    await model.reload();
    const items = model.configs.flatMap(({ folder, config }) =>
      config.variants.map((v) => ({
        label: v.name,
        description: v.platforms.join(', '),
        detail: model.configs.length > 1 ? folder.name : undefined,
        folder,
      })),
    );
    if (!items.length) {
      void showError(
        log,
        'No buildable config in this workspace: add a Dockerfile or fix multiarch.yaml, then try again.',
      );
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(items, { title });
    return pick && { folder: pick.folder, variant: pick.label };
  };

  const start = async (definition: MultiArchTaskDefinition, folder: vscode.WorkspaceFolder | undefined) => {
    if (!folder) {
      void showError(log, 'Open a folder with a Dockerfile or multiarch.yaml to build.');
      return undefined;
    }
    return builds.build(definition, folder);
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('multiarch.build.all', async () => {
      await model.reload();
      return start({ type: taskType, variant: 'all' }, folderOf());
    }),
    vscode.commands.registerCommand('multiarch.build.variant', async (node?: Node) => {
      const target =
        node?.kind === 'variant'
          ? { folder: node.folder, variant: node.variant.name }
          : await pickVariant('Build which variant (all its platforms)?');
      if (target) return start({ type: taskType, variant: target.variant }, target.folder);
      return undefined;
    }),
    vscode.commands.registerCommand('multiarch.build.push', async (node?: Node) => {
      const target =
        node?.kind === 'variant'
          ? { folder: node.folder, variant: node.variant.name }
          : await pickVariant('Push which variant?');
      if (!target) return undefined;
      return start({ type: taskType, variant: target.variant, push: true }, target.folder);
    }),
    vscode.commands.registerCommand('multiarch.build.platform', async (node?: Node) => {
      if (node?.kind !== 'platform') {
        void vscode.window.showInformationMessage(
          'Right-click a platform under a variant in the Multi-Arch view to build just that platform.',
        );
        return undefined;
      }
      return start(
        { type: taskType, variant: node.variant.name, platforms: [node.platform], output: 'load' },
        node.folder,
      );
    }),
    vscode.commands.registerCommand('multiarch.build.cancel', async (node?: Node) => {
      const cells =
        node?.kind === 'platform'
          ? [cellOf(node)]
          : node?.kind === 'variant'
            ? node.variant.platforms.map((platform) => ({ variant: node.variant.name, platform }))
            : undefined;
      const n = await builds.cancel(cells);
      if (!n && !node) void vscode.window.showInformationMessage('No Multi-Arch build is running.');
      return n;
    }),
    vscode.commands.registerCommand('multiarch.build.showLog', async (uri?: vscode.Uri) => {
      if (!uri) {
        log.show();
        return;
      }
      await vscode.window.showTextDocument(uri, { preview: true });
    }),
  );
}
