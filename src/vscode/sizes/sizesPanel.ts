// The one Image Sizes panel: posts state to its webview, answers its messages, follows result changes.
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { Log } from '../log';
import { panelHtml, webviewOptions } from './html';
import { isFromWebview, SIZES_VIEW_TYPE, type FromWebview, type SizesState, type ToWebview } from '../../shared/sizesProtocol';
import type { SizesSource } from './sizesSource';

/** What the panel last did, for the test-only command. */
export interface PanelProbe {
  state?: SizesState;
  ready: number;
  posted: number;
  /** The webview's HTML and resource roots, so tests can check the CSP in the real host. */
  html: string;
  localResourceRoots: string[];
}

/** Commands the webview's buttons may trigger, first registered one wins (Build All is owned by the builds feature). */
const BUILD_ALL_COMMANDS = ['multiarch.build.all', 'multiarch.buildAll'];

export class SizesPanel extends Disposable {
  private focusVariant: string | undefined;
  private readonly probeChanged = this.register(new vscode.EventEmitter<PanelProbe>());
  readonly onDidProbe = this.probeChanged.event;
  readonly probe: PanelProbe;
  private refreshing: Promise<void> | undefined;
  private again = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly source: SizesSource,
    private readonly log: Log,
    onDisposed: () => void,
  ) {
    super();
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = panelHtml(panel.webview, extensionUri);
    const roots = panel.webview.options.localResourceRoots ?? [];
    this.probe = { ready: 0, posted: 0, html: panel.webview.html, localResourceRoots: roots.map((u) => u.toString()) };
    this.register(panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)));
    this.register(source.onDidChange(() => void this.refresh()));
    this.register(
      panel.onDidDispose(() => {
        onDisposed();
        this.dispose();
      }),
    );
  }

  static create(extensionUri: vscode.Uri, source: SizesSource, log: Log, onDisposed: () => void): SizesPanel {
    const panel = vscode.window.createWebviewPanel(SIZES_VIEW_TYPE, 'Image Sizes', vscode.ViewColumn.Active, webviewOptions(extensionUri));
    return new SizesPanel(panel, extensionUri, source, log, onDisposed);
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
        await this.post({ type: 'state', state });
      } while (this.again);
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async post(message: ToWebview): Promise<void> {
    const delivered = await this.panel.webview.postMessage(message);
    if (!delivered) return;
    this.probe.state = message.state;
    this.probe.posted++;
    this.probeChanged.fire(this.probe);
  }

  private async onMessage(m: unknown): Promise<void> {
    if (!isFromWebview(m)) {
      this.log.warn('sizes: ignored a malformed message from the webview');
      return;
    }
    const msg: FromWebview = m;
    switch (msg.type) {
      case 'ready':
        this.probe.ready++;
        this.probeChanged.fire(this.probe);
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
      case 'sorted':
        this.log.debug(`sizes: sorted by ${msg.sort.key}${msg.sort.descending ? ' (descending)' : ''}`);
        return;
    }
  }

  private async buildAll(): Promise<void> {
    const all = await vscode.commands.getCommands(true);
    const id = BUILD_ALL_COMMANDS.find((c) => all.includes(c));
    if (id) {
      await vscode.commands.executeCommand(id);
      return;
    }
    void vscode.window.showInformationMessage('Building is not available in this window: run "multiarch build --output oci" in a terminal, then Refresh.');
  }
}
