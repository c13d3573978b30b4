import * as vscode from 'vscode';
import { CellStates } from './vscode/model/cellStates';
import { registerBuilds } from './vscode/build/registerBuilds';
import { registerBuilders } from './vscode/builders/registerBuilders';
import { registerCommands } from './vscode/commands';
import { EngineService } from './vscode/engine/engineService';
import { createLog } from './vscode/log';
import { ConfigModel } from './vscode/model/configModel';
import { registerPlan } from './vscode/plan/registerPlan';
import { registerTasks } from './vscode/tasks/registerTasks';
import { registerTree } from './vscode/tree/registerTree';
import { registerSizes, type SizesApi } from './vscode/sizes/registerSizes';
import { registerLint } from './vscode/lint/registerLint';
import { registerTimeline, type TimelineApi } from './vscode/timeline/registerTimeline';
import { messageOf } from './core/errors';
import { registerInsight, type InsightApi } from './vscode/insight/registerInsight';

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
  /** Build facts in the Dockerfile and the matrix status bar item. */
  insight: InsightApi;
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
    const builds = registerBuilds(context, { model, engines, cells, log });
    const builders = registerBuilders(context, { model, engines, builds });
    registerTasks(context, model, builds);
    const plans = registerPlan(context);
    const sizes = registerSizes(context, model, log);
    const timeline = registerTimeline(context, { model, onDidFinishBuild: builds.onDidFinish, log });
    const lint = registerLint(context, log);
    const insight = registerInsight(context, { model, cells, lint, onDidFinishBuild: builds.onDidFinish, log });
    registerCommands({
      extension: context,
      log,
      model,
      engines,
      cells,
      builds,
      builders,
      plans,
      sizes,
      timeline,
      lint,
    });

    await model.reload();
    return {
      variants: tree.provider as vscode.TreeDataProvider<unknown>,
      builders: builders as vscode.TreeDataProvider<unknown>,
      reload: () => model.reload(),
      onDidFinishBuild: builds.onDidFinish,
      sizes: sizes.api,
      timeline: timeline.api,
      insight,
    };
  } catch (err) {
    // VS Code shows nothing when activate() throws; say it ourselves, with the log one click away.
    const message = `Multi-Arch Builds failed to start: ${messageOf(err)}`;
    log.error(message);
    void vscode.window.showErrorMessage(message, 'Show Log').then((c) => c && log.show());
    throw err;
  }
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
