// The one Image Sizes panel: posts state to its webview, answers its messages, follows result changes.
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { Log } from '../log';
import { panelHtml, webviewOptions } from '../webview/html';
import { SIZES_PAGE } from './html';
import { isFromWebview, SIZES_VIEW_TYPE, type ComparisonView, type FromWebview, type SizesState, type ToWebview } from '../../shared/sizesProtocol';
import type { SizesSource } from './sizesSource';

/** What happens to a panel, for whoever shows it (the API activate() returns forwards these). */
export interface PanelEvents {
  /** A state reached the webview. */
  posted(state: SizesState): void;
  /** The webview (re)loaded and asked for its rows. */
  ready(): void;
}

export class SizesPanel extends Disposable {
  private focusVariant: string | undefined;
  /** The state the webview shows now. */
  lastState: SizesState | undefined;
  private refreshing: Promise<void> | undefined;
  private again = false;
  private comparison: ComparisonView | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly source: SizesSource,
    private readonly log: Log,
    private readonly events: PanelEvents,
    onDisposed: () => void,
  ) {
    super();
    panel.webview.options = webviewOptions(extensionUri, SIZES_PAGE);
    panel.webview.html = panelHtml(panel.webview, extensionUri, SIZES_PAGE);
    this.register(panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)));
    this.register(source.onDidChange(() => void this.refresh()));
    this.register(
      panel.onDidDispose(() => {
        onDisposed();
        this.dispose();
      }),
    );
  }

  static create(extensionUri: vscode.Uri, source: SizesSource, log: Log, events: PanelEvents, onDisposed: () => void): SizesPanel {
    const panel = vscode.window.createWebviewPanel(SIZES_VIEW_TYPE, 'Image Sizes', vscode.ViewColumn.Active, webviewOptions(extensionUri, SIZES_PAGE));
    return new SizesPanel(panel, extensionUri, source, log, events, onDisposed);
  }

  show(focusVariant?: string): void {
    this.focusVariant = focusVariant;
    this.panel.reveal();
    void this.refresh();
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
        const state = await this.source.read(this.focusVariant);
        await this.post({ type: 'state', state: this.comparison ? { ...state, comparison: this.comparison } : state });
      } while (this.again);
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Shows "Compare architectures" for `variant`: loading first, then the result or why there is none. */
  async compare(variant: string): Promise<ComparisonView> {
    this.comparison = { variant, loading: true };
    await this.refresh();
    try {
      this.comparison = { variant, result: await this.source.compare(variant) };
    } catch (err) {
      this.comparison = { variant, error: err instanceof Error ? err.message : String(err) };
      this.log.warn(`sizes: compare ${variant}: ${this.comparison.error}`);
    }
    const shown = this.comparison;
    await this.refresh();
    return shown;
  }

  private async post(message: ToWebview): Promise<void> {
    const delivered = await this.panel.webview.postMessage(message);
    if (!delivered) return;
    this.lastState = message.state;
    this.events.posted(message.state);
  }

  private async onMessage(m: unknown): Promise<void> {
    if (!isFromWebview(m)) {
      this.log.warn('sizes: ignored a malformed message from the webview');
      return;
    }
    const msg: FromWebview = m;
    switch (msg.type) {
      case 'ready':
        this.events.ready();
        return this.refresh();
      case 'refresh':
        return this.refresh();
      case 'verify':
        await vscode.commands.executeCommand('multiarch.verify.run');
        return;
      case 'exportReport':
        await vscode.commands.executeCommand('multiarch.report.export');
        return;
      case 'buildAll':
        return this.buildAll();
      case 'compare':
        await this.compare(msg.variant);
        return;
      case 'sorted':
        this.log.debug(`sizes: sorted by ${msg.sort.key}${msg.sort.descending ? ' (descending)' : ''}`);
        return;
    }
  }

  private async buildAll(): Promise<void> {
    await vscode.commands.executeCommand('multiarch.build.all');
  }
}
