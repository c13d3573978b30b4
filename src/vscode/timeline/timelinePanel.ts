// The one Build Timeline panel: posts state to its webview, answers its messages, follows new builds.
import * as vscode from 'vscode';
import type { Log } from '../log';
import { createPanel, HostedPanel, type HostedPanelEvents } from '../webview/panelHost';
import { TIMELINE_PAGE } from './html';
import { isFromWebview, TIMELINE_VIEW_TYPE, type FromWebview, type TimelineState, type ToWebview } from '../../shared/timelineProtocol';
import type { TimelineSource } from './timelineSource';

/** What happens to a panel, for whoever shows it (the API activate() returns forwards these). */
export interface PanelEvents extends HostedPanelEvents<TimelineState> {
  /** The webview asked to open a step; `open` does it (the same as the hidden openStep command). */
  openStep(step: { variant: string; platform: string; position: number }): Promise<unknown>;
}

export class TimelinePanel extends HostedPanel<TimelineState, ToWebview> {
  private focus: TimelineState['focus'];

  constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly source: TimelineSource,
    private readonly log: Log,
    private readonly events: PanelEvents,
    onDisposed: () => void,
  ) {
    super(panel, extensionUri, TIMELINE_PAGE, events, onDisposed);
    this.register(source.onDidChange(() => void this.refresh()));
  }

  static create(extensionUri: vscode.Uri, source: TimelineSource, log: Log, events: PanelEvents, onDisposed: () => void): TimelinePanel {
    return new TimelinePanel(createPanel(TIMELINE_VIEW_TYPE, extensionUri, TIMELINE_PAGE), extensionUri, source, log, events, onDisposed);
  }

  show(focus?: TimelineState['focus']): Promise<void> {
    this.focus = focus;
    this.panel.reveal();
    return this.refresh();
  }

  protected async readAndPost(): Promise<void> {
    if (this.closed) return;
    await this.post({ type: 'state', state: await this.source.read(this.focus) });
  }

  /** A read still in flight when the user closed the panel must not post to the disposed webview. */
  private async post(message: ToWebview): Promise<void> {
    if (this.closed) return;
    return this.deliver(message);
  }

  protected async onMessage(m: unknown): Promise<void> {
    if (!isFromWebview(m)) {
      this.log.warn('timeline: ignored a malformed message from the webview');
      return;
    }
    const msg: FromWebview = m;
    switch (msg.type) {
      case 'ready':
        this.events.ready();
        return this.refresh();
      case 'refresh':
        return this.refresh();
      case 'buildAll':
        await vscode.commands.executeCommand('multiarch.build.all');
        return;
      case 'ordered':
        this.log.debug(`timeline: steps ${msg.order === 'slowest' ? 'slowest first' : 'in Dockerfile order'}`);
        return;
      case 'openStep':
        await this.events.openStep(msg);
        return;
    }
  }
}
