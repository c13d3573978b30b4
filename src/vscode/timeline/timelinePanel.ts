// The one Build Timeline panel: posts state to its webview, answers its messages, follows new builds.
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { Log } from '../log';
import { panelHtml, webviewOptions } from '../webview/html';
import { TIMELINE_PAGE } from './html';
import { isFromWebview, TIMELINE_VIEW_TYPE, type FromWebview, type TimelineState, type ToWebview } from '../../shared/timelineProtocol';
import type { TimelineSource } from './timelineSource';

/** What happens to a panel, for whoever shows it (the API activate() returns forwards these). */
export interface PanelEvents {
  posted(state: TimelineState): void;
  ready(): void;
  /** The webview asked to open a step; `open` does it (the same as the hidden openStep command). */
  openStep(step: { variant: string; platform: string; position: number }): Promise<unknown>;
}

export class TimelinePanel extends Disposable {
  private focus: TimelineState['focus'];
  /** The state the webview shows now. */
  lastState: TimelineState | undefined;
  private refreshing: Promise<void> | undefined;
  private again = false;
  /** Set when the user closes the panel: a read still in flight must not post to the disposed webview. */
  private closed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly source: TimelineSource,
    private readonly log: Log,
    private readonly events: PanelEvents,
    onDisposed: () => void,
  ) {
    super();
    panel.webview.options = webviewOptions(extensionUri, TIMELINE_PAGE);
    panel.webview.html = panelHtml(panel.webview, extensionUri, TIMELINE_PAGE);
    this.register(panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)));
    this.register(source.onDidChange(() => void this.refresh()));
    this.register(
      panel.onDidDispose(() => {
        this.closed = true;
        onDisposed();
        this.dispose();
      }),
    );
  }

  static create(extensionUri: vscode.Uri, source: TimelineSource, log: Log, events: PanelEvents, onDisposed: () => void): TimelinePanel {
    const panel = vscode.window.createWebviewPanel(TIMELINE_VIEW_TYPE, 'Build Timeline', vscode.ViewColumn.Active, webviewOptions(extensionUri, TIMELINE_PAGE));
    return new TimelinePanel(panel, extensionUri, source, log, events, onDisposed);
  }

  show(focus?: TimelineState['focus']): Promise<void> {
    this.focus = focus;
    this.panel.reveal();
    return this.refresh();
  }

  /** Re-reads and posts; a change arriving while reading triggers one more read, never a pile of them. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        if (this.closed) return;
        await this.post({ type: 'state', state: await this.source.read(this.focus) });
      } while (this.again);
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async post(message: ToWebview): Promise<void> {
    if (this.closed) return;
    const delivered = await this.panel.webview.postMessage(message);
    if (!delivered) return;
    this.lastState = message.state;
    this.events.posted(message.state);
  }

  private async onMessage(m: unknown): Promise<void> {
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
