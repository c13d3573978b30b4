// Image Sizes: the panel slot and its serializer (restores the panel after a reload), and what the panel shows
// for the API activate() returns. The commands that open it are in sizesCommands.ts.
import type * as vscode from 'vscode';
import type { Log } from '../log';
import { PanelSlot, type PanelApi } from '../webview/panelHost';
import { SIZES_VIEW_TYPE, type SizesState } from '../../shared/sizesProtocol';
import { SizesPanel } from './sizesPanel';
import { SizesSource } from './sizesSource';
import type { ConfigModel } from '../model/configModel';

/** The Image Sizes panel as other extensions (and the integration tests) see it. */
export type SizesApi = PanelApi<SizesState>;

/** The one Image Sizes panel: the open one, or a new one. */
export interface SizesPanels {
  api: SizesApi;
  open(): SizesPanel;
}

export function registerSizes(context: vscode.ExtensionContext, model: ConfigModel, log: Log): SizesPanels {
  const source = new SizesSource(model, log);
  context.subscriptions.push(source);
  const slot = new PanelSlot<SizesState, SizesPanel>(context);
  const panelContext = (onDisposed: () => void) => ({
    extensionUri: context.extensionUri,
    log,
    events: slot.events,
    onDisposed,
  });
  context.subscriptions.push(
    slot.registerSerializer(SIZES_VIEW_TYPE, (panel, done) => new SizesPanel(panel, source, panelContext(done))),
  );
  return {
    api: slot.api,
    open: () => slot.current ?? slot.adopt((done) => SizesPanel.create(source, panelContext(done))),
  };
}
