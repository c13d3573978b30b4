import * as vscode from 'vscode';
import type { BuildService } from '../build/buildService';
import type { EngineService } from '../engine/engineService';
import type { Log } from '../log';
import type { ConfigModel } from '../model/configModel';
import { registerBuilderCommands } from './builderCommands';
import { BuildersTreeProvider } from './buildersTree';
import { registerNodeCommands } from './nodeCommands';

/** The Builders view, the engine/builder/emulator commands and the build node commands; the view redraws around each build. */
export function registerBuilders(
  context: vscode.ExtensionContext,
  model: ConfigModel,
  engines: EngineService,
  builds: BuildService,
  log: Log,
): BuildersTreeProvider {
  const builders = new BuildersTreeProvider(engines, model);
  context.subscriptions.push(
    builders,
    vscode.window.createTreeView('multiarch.builders', { treeDataProvider: builders }),
    builds.onDidStart(() => builders.refresh()),
    builds.onDidFinish(() => builders.refresh()),
  );
  registerBuilderCommands(context, engines, builders, log);
  registerNodeCommands(context, model, builders, log);
  return builders;
}
