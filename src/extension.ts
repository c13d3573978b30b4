import * as vscode from 'vscode';
import { CellStates } from './vscode/model/cellStates';
import { registerBuilds } from './vscode/build/registerBuilds';
import { registerBuilders } from './vscode/builders/registerBuilders';
import { registerConfigCommands } from './vscode/config/configCommands';
import { EngineService } from './vscode/engine/engineService';
import { createLog } from './vscode/log';
import { ConfigModel } from './vscode/model/configModel';
import { registerPlanCommand } from './vscode/plan/planCommand';
import { registerToolTasks } from './vscode/tasks/runArgvTask';
import { registerTaskProvider } from './vscode/tasks/taskProvider';
import { registerTree } from './vscode/tree/registerTree';
import { registerSizes, type SizesApi } from './vscode/sizes/registerSizes';
import { registerVerify } from './vscode/verify/registerVerify';
import { registerReport } from './vscode/report/registerReport';
import { registerLint } from './vscode/lint/registerLint';
import { registerCi } from './vscode/ci/registerCi';
import { registerTimeline, type TimelineApi } from './vscode/timeline/registerTimeline';

/** What activate() returns: read-only handles other extensions (and the integration tests) can use. */
export interface MultiArchApi {
  variants: vscode.TreeDataProvider<unknown>;
  builders: vscode.TreeDataProvider<unknown>;
  reload(): Promise<void>;
  /** Fires when a build run ends, with each cell's record. */
  onDidFinishBuild: vscode.Event<
    { ok: boolean; records: { variant: string; platform: string; status: string }[] } | undefined
  >;
  /** The Image Sizes panel: what it shows and when its webview receives a state. */
  sizes: SizesApi;
  /** The Build Timeline panel: what it shows and when its webview receives a state. */
  timeline: TimelineApi;
}

/** Only wiring: every feature lives in its own folder under src/vscode/. */
export async function activate(context: vscode.ExtensionContext): Promise<MultiArchApi> {
  const log = createLog(context);
  try {
    const model = new ConfigModel(log);
    const cells = new CellStates();
    const engines = new EngineService(log);
    context.subscriptions.push(model, cells, engines);

    const tree = registerTree(context, model, cells);
    registerConfigCommands(context, model, log);
    registerPlanCommand(context, model, engines, log);
    const builds = registerBuilds(context, model, engines, cells, log);
    const builders = registerBuilders(context, model, engines, builds, log);
    registerTaskProvider(context, model, builds);
    registerToolTasks(context);

    const sizes = registerSizes(context, model, log);
    const timeline = registerTimeline(context, model, builds.onDidFinish, log);
    registerVerify(context, model, log);
    registerReport(context, model, log);
    registerLint(context, log);
    registerCi(context, model, log);

    await model.reload();
    return {
      variants: tree.provider as vscode.TreeDataProvider<unknown>,
      builders: builders as vscode.TreeDataProvider<unknown>,
      reload: () => model.reload(),
      onDidFinishBuild: builds.onDidFinish,
      sizes,
      timeline,
    };
  } catch (err) {
    // VS Code shows nothing when activate() throws; say it ourselves, with the log one click away.
    const message = `Multi-Arch Builds failed to start: ${err instanceof Error ? err.message : String(err)}`;
    log.error(message);
    void vscode.window.showErrorMessage(message, 'Show Log').then((c) => c && log.show());
    throw err;
  }
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
