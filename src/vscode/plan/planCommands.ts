import * as vscode from 'vscode';
import { prepareBuild, PrepareError } from '../../core/build/prepare';
import { planToText } from '../../core/matrix/formatPlan';
import { fromPrepareError, showUserError } from '../build/userError';
import type { CommandFactory } from '../command';
import { showError } from '../log';
import { explicitOutput } from '../settings';
import type { VariantRow } from '../tree/variantRows';
import { confirmOutsideProject } from '../build/outsideProject';

/** Show Build Plan: the exact commands a build would run, as a read-only shell document. */
export const showPlan: CommandFactory = {
  create:
    ({ model, engines, plans, log }) =>
    async (row?: VariantRow) => {
      const variant = row?.kind === 'variant' ? row.variant.name : undefined;
      const folderUri = row && 'folder' in row ? row.folder.uri : undefined;
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
        // The same preparation a build runs: Build All on buildx shows the bake or the per-platform builds it runs.
        const { plan, engine } = await prepareBuild(config, {
          mode: 'plan',
          allowOutside,
          engine: engines.setting,
          choose: () => engines.choose(),
          env: process.env,
          variants: variant ? [variant] : [],
          output: explicitOutput(folderUri) ?? config.output,
        });
        text = planToText(plan, engine.reason);
      } catch (err) {
        if (!(err instanceof PrepareError)) throw err;
        await showUserError(log, fromPrepareError(err));
        return;
      }
      const uri = plans.put(variant ?? 'all', text);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.languages.setTextDocumentLanguage(doc, 'shellscript');
      await vscode.window.showTextDocument(doc, { preview: true });
    },
};
