// Build Timeline: the panel slot and its serializer, and what the panel shows for the API. The commands that
// open it and open a step's Dockerfile line are in timelineCommands.ts.
import * as vscode from 'vscode';
import type { Log } from '../log';
import { PanelSlot, type PanelApi } from '../webview/panelHost';
import type { ConfigModel } from '../model/configModel';
import type { TimelineState } from '../../shared/timelineProtocol';
import { TIMELINE_PAGE } from './html';
import type { PanelEvents, TimelinePanel } from './timelinePanel';

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
  const slot = new PanelSlot<TimelineState, TimelinePanel>(context, TIMELINE_PAGE);
  // Selecting a step in the page runs the same command a caller can run on a step of the open panel.
  const events: PanelEvents = {
    ...slot.events,
    openStep: (step) => Promise.resolve(vscode.commands.executeCommand('multiarch.timeline.openStep', step)),
  };
  // The panel and its source (records, steps placed on Dockerfile lines) load with the first panel.
  let factory: Promise<(panel: vscode.WebviewPanel, onDisposed: () => void) => TimelinePanel> | undefined;
  const load = () =>
    (factory ??= Promise.all([import('./timelinePanel'), import('./timelineSource')]).then(
      ([{ TimelinePanel }, { TimelineSource }]) => {
        const source = new TimelineSource(model, onDidFinishBuild, log);
        context.subscriptions.push(source);
        return (panel: vscode.WebviewPanel, onDisposed: () => void) =>
          new TimelinePanel(panel, source, { extensionUri: context.extensionUri, log, events, onDisposed });
      },
    ));
  context.subscriptions.push(slot.registerSerializer(load));
  return { api: slot.api, current: () => slot.current, open: () => slot.open(load) };
}
