// Image Sizes: the palette/variant-menu command, the panel serializer (restores the panel after a
// reload), and what the panel shows for the API activate() returns.
import * as vscode from 'vscode';
import type { Log } from '../log';
import { PanelSlot, type PanelApi } from '../webview/panelHost';
import { showError } from '../log';
import { findProjects, variantArg } from './projects';
import { SIZES_VIEW_TYPE, type SizesState } from '../../shared/sizesProtocol';
import { SizesPanel } from './sizesPanel';
import { SizesSource } from './sizesSource';
import type { ConfigModel } from '../model/configModel';

/** The Image Sizes panel as other extensions (and the integration tests) see it. */
export type SizesApi = PanelApi<SizesState>;

export function registerSizes(context: vscode.ExtensionContext, model: ConfigModel, log: Log): SizesApi {
  const source = new SizesSource(model, log);
  context.subscriptions.push(source);
  const slot = new PanelSlot<SizesState, SizesPanel>(context);

  context.subscriptions.push(
    vscode.commands.registerCommand('multiarch.sizes.show', (arg?: unknown) => {
      try {
        const panel =
          slot.current ?? slot.adopt((done) => SizesPanel.create(context.extensionUri, source, log, slot.events, done));
        panel.show(variantArg(arg));
      } catch (err) {
        void showError(log, `Could not open Image Sizes: ${err instanceof Error ? err.message : String(err)}`);
      }
    }),
    // Compare Architectures: the Image Sizes panel explains why a variant's platforms differ in size.
    vscode.commands.registerCommand('multiarch.sizes.compare', async (arg?: unknown) => {
      try {
        const variant = variantArg(arg) ?? (await pickVariant(model));
        if (!variant) return undefined;
        const panel =
          slot.current ?? slot.adopt((done) => SizesPanel.create(context.extensionUri, source, log, slot.events, done));
        panel.show(variant);
        return await panel.compare(variant);
      } catch (err) {
        void showError(log, `Could not compare architectures: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      }
    }),
    slot.registerSerializer(
      SIZES_VIEW_TYPE,
      (panel, done) => new SizesPanel(panel, context.extensionUri, source, log, slot.events, done),
    ),
  );
  return slot.api;
}

async function pickVariant(model: ConfigModel): Promise<string | undefined> {
  const names = [...new Set((await findProjects(model)).flatMap((p) => p.config.variants.map((v) => v.name)))];
  if (names.length <= 1) return names[0];
  return vscode.window.showQuickPick(names, { title: 'Compare the architectures of which variant?' });
}
