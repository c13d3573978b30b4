// Webview entry point: receives state from the extension, renders it, persists it for reloads.
import type { FromWebview, PersistedState, SizesState, SortKey } from '../../../src/shared/sizesProtocol';
import { PageState, type VsCodeApi } from '../../shared/src/page';
import { render } from './render';
import { DEFAULT_SORT } from './sortRows';

declare function acquireVsCodeApi(): VsCodeApi<FromWebview, PersistedState>;

const vscode = acquireVsCodeApi();
const root = document.getElementById('app')!;
const page = new PageState<SizesState, PersistedState>(vscode);

function draw(state: SizesState): void {
  const sort = page.saved.sort ?? DEFAULT_SORT;
  render({
    doc: document,
    root,
    state,
    sort,
    handlers: {
      onSort: (key: SortKey) => {
        const next = { key, descending: sort.key === key ? !sort.descending : key !== 'variant' && key !== 'platform' };
        page.save({ sort: next });
        vscode.postMessage({ type: 'sorted', sort: next });
        draw(state);
      },
      onAction: (type) => vscode.postMessage({ type }),
      onCompare: (variant) => vscode.postMessage({ type: 'compare', variant }),
    },
  });
}

page.start(draw);
