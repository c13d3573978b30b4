import * as vscode from 'vscode';
import type { CellStates } from '../model/cellStates';
import { Disposable } from '../disposable';
import type { ConfigModel, FolderConfig } from '../model/configModel';
import { fallbackItem, platformItem, problemItem, untrustedItem, variantItem, type Node } from './nodes';

/** Variants → platform leaves, for every workspace folder with a Dockerfile or multiarch.yaml. */
export class VariantsTreeProvider extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly changed = this.register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly model: ConfigModel,
    private readonly cells: CellStates,
  ) {
    super();
    this.register(model.onDidChange(() => this.changed.fire(undefined)));
    this.register(cells.onDidChange(() => this.changed.fire(undefined)));
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire(undefined)));
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      const folders = this.model.folders.filter((f) => f.config.kind !== 'none');
      const rows: Node[] =
        folders.length === 1
          ? this.folderChildren(folders[0]!)
          : folders.map((f) => ({ kind: 'folder', folder: f.folder }));
      return folders.length && !vscode.workspace.isTrusted ? [{ kind: 'untrusted' }, ...rows] : rows;
    }
    switch (node.kind) {
      case 'folder': {
        const f = this.model.folders.find((x) => x.folder === node.folder);
        return f ? this.folderChildren(f) : [];
      }
      case 'variant':
        return node.variant.platforms.map((platform) => ({
          kind: 'platform',
          folder: node.folder,
          variant: node.variant,
          platform,
        }));
      default:
        return [];
    }
  }

  private folderChildren(f: FolderConfig): Node[] {
    if (f.config.kind === 'none') return [];
    const result = f.config.result;
    if (!result.ok) return result.problems.map((problem) => ({ kind: 'problem', problem }));
    const variants: Node[] = result.config.variants.map((variant) => ({ kind: 'variant', folder: f.folder, variant }));
    return f.config.kind === 'fallback'
      ? [{ kind: 'fallback', folder: f.folder, dockerfile: f.config.dockerfile }, ...variants]
      : variants;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'folder': {
        const item = new vscode.TreeItem(node.folder.name, vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = vscode.ThemeIcon.Folder;
        item.contextValue = 'multiarch:folder';
        return item;
      }
      case 'untrusted':
        return untrustedItem();
      case 'problem':
        return problemItem(node.problem);
      case 'fallback':
        return fallbackItem(node.dockerfile);
      case 'variant': {
        const f = this.model.folders.find((x) => x.folder === node.folder);
        const variantArg =
          f?.config.kind !== 'none' && f?.config.result.ok ? f.config.result.config.variantArg : undefined;
        return variantItem(node.variant, variantArg);
      }
      case 'platform':
        return platformItem(
          node.variant,
          node.platform,
          this.cells.get({ variant: node.variant.name, platform: node.platform }),
        );
    }
  }
}
