import * as vscode from 'vscode';
import type { BuildService } from '../build/buildService';
import type { EngineService } from '../engine/engineService';
import type { ConfigModel } from '../model/configModel';
import { BuildersTreeProvider } from './buildersTree';

/** The Builders view; it redraws around each build. Its commands are in builderCommands.ts and nodeCommands.ts. */
export function registerBuilders(
  context: vscode.ExtensionContext,
  { model, engines, builds }: { model: ConfigModel; engines: EngineService; builds: BuildService },
): BuildersTreeProvider {
  const builders = new BuildersTreeProvider(engines, model);
  context.subscriptions.push(
    builders,
    vscode.window.createTreeView('multiarch.builders', { treeDataProvider: builders }),
    builds.onDidStart(() => builders.refresh()),
    builds.onDidFinish(() => builders.refresh()),
  );
  return builders;
}
