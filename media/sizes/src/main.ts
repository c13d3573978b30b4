// Webview entry point: receives state from the extension, renders it, persists it for reloads.
import type { FromWebview, PersistedState, SortKey, SortOrder, ToWebview } from '../../../src/shared/sizesProtocol';
import { render } from './render';
import { DEFAULT_SORT } from './sortRows';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): PersistedState | undefined;
  setState(state: PersistedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('app')!;
let persisted: PersistedState = vscode.getState() ?? {};
let sort: SortOrder = persisted.sort ?? DEFAULT_SORT;

function draw(): void {
  if (!persisted.state) return;
  render(document, root, persisted.state, sort, {
    onSort: (key: SortKey) => {
      sort = { key, descending: sort.key === key ? !sort.descending : key !== 'variant' && key !== 'platform' };
      save();
      vscode.postMessage({ type: 'sorted', sort });
      draw();
    },
    onAction: (type) => vscode.postMessage({ type }),
    onCompare: (variant) => vscode.postMessage({ type: 'compare', variant }),
  });
}

function save(): void {
  persisted = { ...persisted, sort };
  vscode.setState(persisted);
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const msg = event.data;
  if (msg.type === 'state') {
    persisted = { ...persisted, state: msg.state };
    save();
    draw();
  }
});

// Draw what was there before a reload at once, then ask the extension for fresh rows.
draw();
vscode.postMessage({ type: 'ready' });
