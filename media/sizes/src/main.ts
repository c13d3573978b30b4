// Webview entry point: receives state from the extension, renders it, persists it for reloads.
import type { FromWebview, PersistedState, SortKey, SortOrder, ToWebview } from '../../../src/shared/sizesProtocol';
import { startPage, type VsCodeApi } from '../../shared/src/page';
import { render } from './render';
import { DEFAULT_SORT } from './sortRows';

declare function acquireVsCodeApi(): VsCodeApi<FromWebview, PersistedState>;

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

startPage<ToWebview['state']>(
  vscode,
  (state) => {
    persisted = { ...persisted, state };
    save();
  },
  draw,
);
