import * as vscode from 'vscode';
import { prepareBuild, PrepareError } from '../../core/build/prepare';
import { planToText } from '../../core/matrix/formatPlan';
import { fromPrepareError, showUserError } from '../build/userError';
import type { EngineService } from '../engine/engineService';
import { showError, type Log } from '../log';
import { explicitOutput } from '../settings';
import type { ConfigModel } from '../model/configModel';
import type { Node } from '../tree/nodes';
import { confirmOutsideProject } from '../build/outsideProject';

const scheme = 'multiarch-plan';

/** Show Build Plan: the exact commands, as a read-only document (a virtual document cannot be edited or saved). */
export function registerPlanCommand(
  context: vscode.ExtensionContext,
  model: ConfigModel,
  engines: EngineService,
  log: Log,
): void {
  const plans = new Map<string, string>();
  const changed = new vscode.EventEmitter<vscode.Uri>();
  context.subscriptions.push(
    changed,
    vscode.workspace.registerTextDocumentContentProvider(scheme, {
      onDidChange: changed.event,
      provideTextDocumentContent: (uri) =>
        plans.get(uri.toString()) ?? '# This plan is no longer available; run "Multi-Arch: Show Build Plan" again.\n',
    }),
    vscode.commands.registerCommand('multiarch.plan.show', async (node?: Node) => {
      const variant = node?.kind === 'variant' ? node.variant.name : undefined;
      const folderUri = node && 'folder' in node ? node.folder.uri : undefined;
      await model.reload();
      const config = model.configFor(folderUri);
      if (!config) {
        const invalid = model.folders.find((f) => f.config.kind === 'file' && !f.config.result.ok);
        void showError(
          log,
          invalid
            ? 'multiarch.yaml has errors; fix the problems shown in the Variants view, then show the plan again.'
            : 'No Dockerfile or multiarch.yaml in this workspace; open a project folder first.',
        );
        return;
      }
      const allowOutside = await confirmOutsideProject(config);
      if (!allowOutside) return;
      let text: string;
      try {
        // The same preparation a build runs: Build All on buildx shows the bake command it runs.
        const { plan, engine } = await prepareBuild(config, {
          mode: 'plan',
          allowOutside,
          engine: engines.setting,
          choose: () => engines.choose(),
          env: process.env,
          ...(variant ? { variants: [variant] } : {}),
          output: explicitOutput(folderUri) ?? config.output,
        });
        text = planToText(plan, engine.reason);
      } catch (err) {
        if (!(err instanceof PrepareError)) throw err;
        await showUserError(log, fromPrepareError(err));
        return;
      }
      const uri = vscode.Uri.from({ scheme, path: `/${variant ?? 'all'}.sh` });
      plans.set(uri.toString(), text);
      changed.fire(uri);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.languages.setTextDocumentLanguage(doc, 'shellscript');
      await vscode.window.showTextDocument(doc, { preview: true });
    }),
  );
}
