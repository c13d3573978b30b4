import * as vscode from 'vscode';
import type { CellStates } from '../model/cellStates';
import { Disposable } from '../disposable';
import type { ConfigModel, FolderConfig } from '../model/configModel';
import { fallbackItem, platformItem, problemItem, untrustedItem, variantItem, type VariantRow } from './variantRows';

/** Variants → platform leaves, for every workspace folder with a Dockerfile or multiarch.yaml. */
export class VariantsTreeProvider extends Disposable implements vscode.TreeDataProvider<VariantRow> {
  private readonly changed = this.register(new vscode.EventEmitter<VariantRow | undefined>());
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

  getChildren(row?: VariantRow): VariantRow[] {
    if (!row) {
      const folders = this.model.folders.filter((f) => f.config.kind !== 'none');
      const rows: VariantRow[] =
        folders.length === 1
          ? this.folderChildren(folders[0]!)
          : folders.map((f) => ({ kind: 'folder', folder: f.folder }));
      return folders.length && !vscode.workspace.isTrusted ? [{ kind: 'untrusted' }, ...rows] : rows;
    }
    switch (row.kind) {
      case 'folder': {
        const f = this.model.folders.find((x) => x.folder === row.folder);
        return f ? this.folderChildren(f) : [];
      }
      case 'variant':
        return row.variant.platforms.map((platform) => ({
          kind: 'platform',
          folder: row.folder,
          variant: row.variant,
          platform,
        }));
      default:
        return [];
    }
  }

  private folderChildren(f: FolderConfig): VariantRow[] {
    if (f.config.kind === 'none') return [];
    const result = f.config.result;
    if (!result.ok) return result.problems.map((problem) => ({ kind: 'problem', problem }));
    const variants: VariantRow[] = result.config.variants.map((variant) => ({
      kind: 'variant',
      folder: f.folder,
      variant,
    }));
    return f.config.kind === 'fallback'
      ? [{ kind: 'fallback', folder: f.folder, dockerfile: f.config.dockerfile }, ...variants]
      : variants;
  }

  getTreeItem(row: VariantRow): vscode.TreeItem {
    switch (row.kind) {
      case 'folder': {
        const item = new vscode.TreeItem(row.folder.name, vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = vscode.ThemeIcon.Folder;
        item.contextValue = 'multiarch:folder';
        return item;
      }
      case 'untrusted':
        return untrustedItem();
      case 'problem':
        return problemItem(row.problem);
      case 'fallback':
        return fallbackItem(row.dockerfile);
      case 'variant': {
        const f = this.model.folders.find((x) => x.folder === row.folder);
        const variantArg =
          f?.config.kind !== 'none' && f?.config.result.ok ? f.config.result.config.variantArg : undefined;
        return variantItem(row.variant, variantArg);
      }
      case 'platform':
        return platformItem(
          row.variant,
          row.platform,
          this.cells.get({ variant: row.variant.name, platform: row.platform }),
        );
    }
  }
}
