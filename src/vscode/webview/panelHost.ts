// The lifecycle every webview panel shares: the page shell and message wiring of a panel, and the
// one-open-panel slot its registration keeps (adopt a new or restored panel, forget it when closed).
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import { panelHtml, webviewOptions, type PageShell } from './html';

/** What happens to a panel, for whoever shows it (the API activate() returns forwards these). */
export interface HostedPanelEvents<State> {
  /** A state reached the webview. */
  posted(state: State): void;
  /** The webview (re)loaded and asked for its state. */
  ready(): void;
}

/** A new panel in the active column, titled and restricted to its page's media folder. */
export function createPanel(viewType: string, extensionUri: vscode.Uri, page: PageShell): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(viewType, page.title, vscode.ViewColumn.Active, webviewOptions(extensionUri, page));
}

export abstract class HostedPanel<State, Message extends { state: State }> extends Disposable {
  /** The state the webview shows now. */
  lastState: State | undefined;
  /** Set when the user closes the panel, before `onDisposed` runs. */
  protected closed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    page: PageShell,
    private readonly hostEvents: HostedPanelEvents<State>,
    onDisposed: () => void,
  ) {
    super();
    panel.webview.options = webviewOptions(extensionUri, page);
    panel.webview.html = panelHtml(panel.webview, extensionUri, page);
    this.register(panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)));
    this.register(
      panel.onDidDispose(() => {
        this.closed = true;
        onDisposed();
        this.dispose();
      }),
    );
  }

  protected abstract onMessage(m: unknown): Promise<void>;

  /** One read of the panel's state and its post. */
  protected abstract readAndPost(): Promise<void>;

  private refreshing: Promise<void> | undefined;
  private again = false;

  /** Re-reads and posts; a change arriving while reading triggers one more read, never a pile of them. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        await this.readAndPost();
      } while (this.again);
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Posts; only a state the webview accepted counts as shown. */
  protected async deliver(message: Message): Promise<void> {
    const delivered = await this.panel.webview.postMessage(message);
    if (!delivered) return;
    this.lastState = message.state;
    this.hostEvents.posted(message.state);
  }
}

/** What the API activate() returns shows of the open panel. */
export interface PanelSnapshot<State> {
  html: string;
  localResourceRoots: string[];
  lastState?: State;
}

/** The one open panel of a kind: a new or restored panel replaces the old one; closing it empties the slot. */
export class PanelSlot<State, Panel extends HostedPanel<State, { state: State }>> {
  current: Panel | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {}

  adopt(make: (onDisposed: () => void) => Panel): Panel {
    this.current?.dispose();
    const panel = make(() => {
      if (this.current === panel) this.current = undefined;
    });
    this.current = panel;
    this.context.subscriptions.push(panel);
    return panel;
  }

  /** The open panel's HTML, resource roots and last state; undefined when no panel is open. */
  snapshot(): PanelSnapshot<State> | undefined {
    const current = this.current;
    if (!current) return undefined;
    const { webview } = current.panel;
    return {
      html: webview.html,
      localResourceRoots: (webview.options.localResourceRoots ?? []).map((u) => u.toString()),
      ...(current.lastState ? { lastState: current.lastState } : {}),
    };
  }
}
