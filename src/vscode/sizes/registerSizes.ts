// Image Sizes: the panel slot and its serializer (restores the panel after a reload), and what the panel shows
// for the API activate() returns. The commands that open it are in sizesCommands.ts.
import type * as vscode from 'vscode';
import type { Log } from '../log';
import { PanelSlot, type PanelApi } from '../webview/panelHost';
import { SIZES_VIEW_TYPE, type SizesState } from '../../shared/sizesProtocol';
import type { SizesPanel } from './sizesPanel';
import type { SizesSource } from './sizesSource';
import type { ConfigModel } from '../model/configModel';

/** The Image Sizes panel as other extensions (and the integration tests) see it. */
export type SizesApi = PanelApi<SizesState>;

/** The one Image Sizes panel: the open one, or a new one. */
export interface SizesPanels {
  api: SizesApi;
  open(): Promise<SizesPanel>;
}

export function registerSizes(context: vscode.ExtensionContext, model: ConfigModel, log: Log): SizesPanels {
  const slot = new PanelSlot<SizesState, SizesPanel>(context);
  const panelContext = (onDisposed: () => void) => ({
    extensionUri: context.extensionUri,
    log,
    events: slot.events,
    onDisposed,
  });
  // The panel and its source (sizes, verifications, the layer reader behind Compare) load with the first panel.
  let parts: Promise<{ Panel: typeof SizesPanel; source: SizesSource }> | undefined;
  const load = () =>
    (parts ??= Promise.all([import('./sizesPanel'), import('./sizesSource')]).then(([panel, { SizesSource }]) => {
      const source = new SizesSource(model, log);
      context.subscriptions.push(source);
      return { Panel: panel.SizesPanel, source };
    }));
  context.subscriptions.push(
    slot.registerSerializer(SIZES_VIEW_TYPE, async () => {
      const { Panel, source } = await load();
      return (panel, done) => new Panel(panel, source, panelContext(done));
    }),
  );
  return {
    api: slot.api,
    open: async () => {
      const { Panel, source } = await load();
      return slot.current ?? slot.adopt((done) => Panel.create(source, panelContext(done)));
    },
  };
}
