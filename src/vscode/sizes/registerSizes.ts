// Image Sizes: the panel slot and its serializer (restores the panel after a reload), and what the panel shows
// for the API activate() returns. The commands that open it are in sizesCommands.ts.
import type * as vscode from 'vscode';
import type { Log } from '../log';
import { PanelSlot, type PanelApi } from '../webview/panelHost';
import type { SizesState } from '../../shared/sizesProtocol';
import { SIZES_PAGE } from './html';
import type { SizesPanel } from './sizesPanel';
import type { ConfigModel } from '../model/configModel';

/** The Image Sizes panel as other extensions (and the integration tests) see it. */
export type SizesApi = PanelApi<SizesState>;

/** The one Image Sizes panel: the open one, or a new one. */
export interface SizesPanels {
  api: SizesApi;
  open(): Promise<SizesPanel>;
}

export function registerSizes(context: vscode.ExtensionContext, model: ConfigModel, log: Log): SizesPanels {
  const slot = new PanelSlot<SizesState, SizesPanel>(context, SIZES_PAGE);
  // The panel and its source (sizes, verifications, the layer reader behind Compare) load with the first panel.
  let factory: Promise<(panel: vscode.WebviewPanel, onDisposed: () => void) => SizesPanel> | undefined;
  const load = () =>
    (factory ??= Promise.all([import('./sizesPanel'), import('./sizesSource')]).then(
      ([{ SizesPanel }, { SizesSource }]) => {
        const source = new SizesSource(model, log);
        context.subscriptions.push(source);
        return (panel: vscode.WebviewPanel, onDisposed: () => void) =>
          new SizesPanel(panel, source, { extensionUri: context.extensionUri, log, events: slot.events, onDisposed });
      },
    ));
  context.subscriptions.push(slot.registerSerializer(load));
  return { api: slot.api, open: () => slot.open(load) };
}
