// The messages every webview page exchanges with its panel, whatever the panel shows; each panel's protocol
// (sizesProtocol.ts, timelineProtocol.ts) adds its own.

/** What a page may send to any panel: it always says when it is ready and may ask for a fresh state. */
export type PageMessage = { type: 'ready' } | { type: 'refresh' };

/** What a panel posts to its page: the whole state to show. */
export type StateMessage<State> = { type: 'state'; state: State };
