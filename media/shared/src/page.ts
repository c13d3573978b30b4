// What every webview page does around its own rendering: the VS Code API it is given, and the loop that
// keeps the extension's latest state (persisted, so a reload redraws at once) and asks for fresh state.

/** The webview API, typed by the page's protocol. */
export interface VsCodeApi<FromWebview, Persisted> {
  postMessage(message: FromWebview): void;
  getState(): Persisted | undefined;
  setState(state: Persisted): void;
}

/** `keep` stores each state the extension posts and `draw` shows it; what was saved before a reload is drawn at once. */
export function startPage<State>(
  api: { postMessage(message: { type: 'ready' }): void },
  keep: (state: State) => void,
  draw: () => void,
): void {
  window.addEventListener('message', (event: MessageEvent<{ type: 'state'; state: State }>) => {
    const msg = event.data;
    if (msg.type === 'state') {
      keep(msg.state);
      draw();
    }
  });
  // Draw what was there before a reload at once, then ask the extension for fresh state.
  draw();
  api.postMessage({ type: 'ready' });
}
