// What every webview page does around its own rendering: the VS Code API it is given, and the loop that
// keeps the extension's latest state (persisted with the page's own view choices, so a reload redraws at
// once) and asks for fresh state.
import type { PageMessage, StateMessage } from '../../../src/shared/pageProtocol';

/** The webview API, typed by the page's protocol. */
export interface VsCodeApi<FromWebview, Persisted> {
  postMessage(message: FromWebview): void;
  getState(): Persisted | undefined;
  setState(state: Persisted): void;
}

/** A page's persisted state: the extension's latest state and the page's view choices (sort, order). */
export class PageState<State, Persisted extends { state?: State }> {
  private persisted: Persisted;

  constructor(private readonly api: VsCodeApi<PageMessage, Persisted>) {
    this.persisted = api.getState() ?? ({} as Persisted);
  }

  /** What was saved last (before a reload: what the page showed then). */
  get saved(): Persisted {
    return this.persisted;
  }

  save(change: Partial<Persisted>): void {
    this.persisted = { ...this.persisted, ...change };
    this.api.setState(this.persisted);
  }

  /** Keeps and draws each state the extension posts; draws what was saved before a reload at once, then asks for fresh state. */
  start(draw: (state: State) => void): void {
    window.addEventListener('message', (event: MessageEvent<StateMessage<State>>) => {
      const msg = event.data;
      if (msg.type === 'state') {
        this.save({ state: msg.state } as Partial<Persisted>);
        draw(msg.state);
      }
    });
    if (this.persisted.state) draw(this.persisted.state);
    this.api.postMessage({ type: 'ready' });
  }
}
