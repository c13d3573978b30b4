// The lifecycle every webview panel shares: the page shell and message wiring of a panel, and the
// one-open-panel slot its registration keeps (adopt a new or restored panel, forget it when closed).
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { Log } from '../log';
import { panelHtml, webviewOptions, type PageShell } from './html';
import type { PageMessage } from '../../shared/pageProtocol';

/** What happens to a panel, for whoever shows it (the API activate() returns forwards these). */
export interface HostedPanelEvents<State> {
  /** A state reached the webview. */
  posted(state: State): void;
  /** The webview (re)loaded and asked for its state. */
  ready(): void;
}

/** How a panel reads its page's messages: a guard for untrusted input, and its name in the log. */
export interface MessageReader<In> {
  name: string;
  isMessage(m: unknown): m is In;
}

/** A new panel in the active column, titled and restricted to its page's media folder. */
function createPanel(extensionUri: vscode.Uri, page: PageShell): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(
    page.viewType,
    page.title,
    vscode.ViewColumn.Active,
    webviewOptions(extensionUri, page),
  );
}

/** What a feature gives each of its panels: the extension's folder, the log, where its events go, what to do once it closes. */
export interface PanelContext<Events> {
  extensionUri: vscode.Uri;
  log: Log;
  events: Events;
  onDisposed: () => void;
}

export abstract class HostedPanel<
  State,
  Message extends { state: State },
  In extends { type: string } = PageMessage,
> extends Disposable {
  /** The state the webview shows now. */
  lastState: State | undefined;
  /** Set when the user closes the panel, before `onDisposed` runs. */
  protected closed = false;

  private readonly hostEvents: HostedPanelEvents<State>;
  private readonly messages: MessageReader<In>;
  protected readonly log: Log;

  constructor(
    readonly panel: vscode.WebviewPanel,
    { extensionUri, log, events, onDisposed }: PanelContext<HostedPanelEvents<State>>,
    { page, messages, changes }: { page: PageShell; messages: MessageReader<In>; changes: vscode.Event<unknown> },
  ) {
    super();
    this.hostEvents = events;
    this.messages = messages;
    this.log = log;
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
    this.register(changes(() => void this.refresh()));
  }

  /** A webview is another process: its messages are checked before anything acts on them. */
  private async onMessage(m: unknown): Promise<void> {
    if (!this.messages.isMessage(m)) {
      this.log.warn(`${this.messages.name}: ignored a malformed message from the webview`);
      return;
    }
    const msg: In | PageMessage = m;
    if (msg.type === 'ready') {
      this.hostEvents.ready();
      return this.refresh();
    }
    if (msg.type === 'refresh') return this.refresh();
    return this.handle(msg as Exclude<In, PageMessage>);
  }

  /** The page's own messages (everything but ready and refresh, which every panel answers alike). */
  protected abstract handle(msg: Exclude<In, PageMessage>): Promise<void>;

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

  /**
   * Posts; only a state the webview accepted counts as shown. A read still in flight when the user closed
   * the panel must not post to the disposed webview.
   */
  protected async deliver(message: Message): Promise<void> {
    if (this.closed) return;
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

/** A panel kind as other extensions (and the integration tests) see it: its events and what it shows. */
export interface PanelApi<State> {
  /** Fires each time the open panel's webview receives a state. */
  onDidPostState: vscode.Event<State>;
  /** Fires when the webview (re)loads and asks for its state. */
  onDidWebviewReady: vscode.Event<void>;
  /** The open panel's HTML, resource roots and last state; undefined when no panel is open. */
  current(): PanelSnapshot<State> | undefined;
}

/**
 * The one open panel of a kind: a new or restored panel replaces the old one; closing it empties the slot.
 * It also holds what every panel of the kind reports (`events`) and what the API shows of it (`api`).
 */
export class PanelSlot<State, Panel extends HostedPanel<State, { state: State }, { type: string }>> {
  current: Panel | undefined;
  private readonly posted = new vscode.EventEmitter<State>();
  private readonly ready = new vscode.EventEmitter<void>();
  /** What each panel of this kind reports, forwarded to `api`. */
  readonly events: HostedPanelEvents<State> = {
    posted: (state) => this.posted.fire(state),
    ready: () => this.ready.fire(),
  };
  readonly api: PanelApi<State> = {
    onDidPostState: this.posted.event,
    onDidWebviewReady: this.ready.event,
    current: () => this.snapshot(),
  };

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly page: PageShell,
  ) {
    context.subscriptions.push(this.posted, this.ready);
  }

  /** The open panel, or a new one the factory `load` gives (loading the panel's code on first use) hosts in a new webview panel. */
  async open(load: () => Promise<(panel: vscode.WebviewPanel, onDisposed: () => void) => Panel>): Promise<Panel> {
    const make = await load();
    return this.current ?? this.adopt((done) => make(createPanel(this.context.extensionUri, this.page), done));
  }

  private adopt(make: (onDisposed: () => void) => Panel): Panel {
    this.current?.dispose();
    const panel = make(() => {
      if (this.current === panel) this.current = undefined;
    });
    this.current = panel;
    this.context.subscriptions.push(panel);
    return panel;
  }

  /**
   * Restores the panel after a reload. The webview redraws from its own saved state at once, then asks for
   * a fresh one ("ready").
   */
  registerSerializer(
    /** Loads the panel's code (on first use, not at activation), then makes the panel around the restored webview. */
    restorer: () => Promise<(panel: vscode.WebviewPanel, onDisposed: () => void) => Panel>,
  ): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(this.page.viewType, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        const restore = await restorer();
        this.adopt((done) => restore(panel, done));
      },
    });
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
