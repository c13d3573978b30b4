// Build Timeline: the panel slot and its serializer, and what the panel shows for the API. The commands that
// open it and open a step's Dockerfile line are in timelineCommands.ts.
import * as vscode from 'vscode';
import type { Log } from '../log';
import { PanelSlot, type PanelApi } from '../webview/panelHost';
import type { ConfigModel } from '../model/configModel';
import { TIMELINE_VIEW_TYPE, type TimelineState } from '../../shared/timelineProtocol';
import type { PanelEvents, TimelinePanel } from './timelinePanel';
import type { TimelineSource } from './timelineSource';

/** The Build Timeline panel as other extensions (and the integration tests) see it. */
export type TimelineApi = PanelApi<TimelineState>;

/** The one Build Timeline panel: the open one (if any), or a new one. */
export interface TimelinePanels {
  api: TimelineApi;
  current(): TimelinePanel | undefined;
  open(): Promise<TimelinePanel>;
}

export function registerTimeline(
  context: vscode.ExtensionContext,
  { model, onDidFinishBuild, log }: { model: ConfigModel; onDidFinishBuild: vscode.Event<unknown>; log: Log },
): TimelinePanels {
  const slot = new PanelSlot<TimelineState, TimelinePanel>(context);
  // Selecting a step in the page runs the same command a caller can run on a step of the open panel.
  const events: PanelEvents = {
    ...slot.events,
    openStep: (step) => Promise.resolve(vscode.commands.executeCommand('multiarch.timeline.openStep', step)),
  };
  const panelContext = (onDisposed: () => void) => ({ extensionUri: context.extensionUri, log, events, onDisposed });
  // The panel and its source (records, steps placed on Dockerfile lines) load with the first panel.
  let parts: Promise<{ Panel: typeof TimelinePanel; source: TimelineSource }> | undefined;
  const load = () =>
    (parts ??= Promise.all([import('./timelinePanel'), import('./timelineSource')]).then(
      ([panel, { TimelineSource }]) => {
        const source = new TimelineSource(model, onDidFinishBuild, log);
        context.subscriptions.push(source);
        return { Panel: panel.TimelinePanel, source };
      },
    ));
  context.subscriptions.push(
    slot.registerSerializer(TIMELINE_VIEW_TYPE, async () => {
      const { Panel, source } = await load();
      return (panel, done) => new Panel(panel, source, panelContext(done));
    }),
  );
  return {
    api: slot.api,
    current: () => slot.current,
    open: async () => {
      const { Panel, source } = await load();
      return slot.current ?? slot.adopt((done) => Panel.create(source, panelContext(done)));
    },
  };
}
