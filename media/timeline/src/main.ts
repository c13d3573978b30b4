// Webview entry point: receives state from the extension, renders it, persists it for reloads.
import type { FromWebview, PersistedState, TimelineState } from '../../../src/shared/timelineProtocol';
import { PageState, type VsCodeApi } from '../../shared/src/page';
import { render } from './render';

declare function acquireVsCodeApi(): VsCodeApi<FromWebview, PersistedState>;

const vscode = acquireVsCodeApi();
const root = document.getElementById('app')!;
const page = new PageState<TimelineState, PersistedState>(vscode);

function draw(state: TimelineState): void {
  render({
    doc: document,
    root,
    state,
    order: page.saved.order ?? 'slowest',
    handlers: {
      onOrder: (order) => {
        page.save({ order });
        vscode.postMessage({ type: 'ordered', order });
        draw(state);
        root.querySelector<HTMLButtonElement>(`button[data-order="${order}"]`)?.focus();
      },
      onAction: (type) => vscode.postMessage({ type }),
      onStep: (step) => vscode.postMessage({ type: 'openStep', ...step }),
    },
  });
}

page.start(draw);
