// The one Build Timeline panel: posts state to its webview, answers its messages, follows new builds.
import * as vscode from 'vscode';
import { HostedPanel, type HostedPanelEvents, type PanelContext } from '../webview/panelHost';
import { TIMELINE_PAGE } from './html';
import type { PageMessage } from '../../shared/pageProtocol';
import { isFromWebview, type FromWebview, type TimelineState, type ToWebview } from '../../shared/timelineProtocol';
import type { TimelineSource } from './timelineSource';

/** What happens to a panel, for whoever shows it (the API activate() returns forwards these). */
export interface PanelEvents extends HostedPanelEvents<TimelineState> {
  /** The webview asked to open a step; `open` does it (the same as the hidden openStep command). */
  openStep(step: { variant: string; platform: string; position: number }): Promise<unknown>;
}

export class TimelinePanel extends HostedPanel<TimelineState, ToWebview, FromWebview> {
  private focus: TimelineState['focus'];

  private readonly events: PanelEvents;

  constructor(
    panel: vscode.WebviewPanel,
    private readonly source: TimelineSource,
    context: PanelContext<PanelEvents>,
  ) {
    const messages = { name: 'timeline', isMessage: isFromWebview };
    super(panel, context, { page: TIMELINE_PAGE, messages, changes: source.onDidChange });
    this.events = context.events;
  }

  show(focus?: TimelineState['focus']): Promise<void> {
    this.focus = focus;
    this.panel.reveal();
    return this.refresh();
  }

  protected async readAndPost(): Promise<void> {
    if (this.closed) return;
    await this.deliver({ type: 'state', state: await this.source.read(this.focus) });
  }

  protected async handle(msg: Exclude<FromWebview, PageMessage>): Promise<void> {
    switch (msg.type) {
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
