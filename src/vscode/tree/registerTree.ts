import * as vscode from 'vscode';
import type { CellStates } from '../model/cellStates';
import type { ConfigModel } from '../model/configModel';
import type { VariantRow } from './variantRows';
import { VariantsTreeProvider } from './variantsTree';

export interface TreeHandle {
  provider: VariantsTreeProvider;
  view: vscode.TreeView<VariantRow>;
}

export function registerTree(context: vscode.ExtensionContext, model: ConfigModel, cells: CellStates): TreeHandle {
  const provider = new VariantsTreeProvider(model, cells);
  const view = vscode.window.createTreeView('multiarch.variants', {
    treeDataProvider: provider,
    showCollapseAll: true,
  });
  context.subscriptions.push(provider, view);
  return { provider, view };
}
