// Webview entry point: receives state from the extension, renders it, persists it for reloads.
import type { FromWebview, PersistedState, StepOrder, ToWebview } from '../../../src/shared/timelineProtocol';
import { startPage, type VsCodeApi } from '../../shared/src/page';
import { render } from './render';

declare function acquireVsCodeApi(): VsCodeApi<FromWebview, PersistedState>;

const vscode = acquireVsCodeApi();
const root = document.getElementById('app')!;
let persisted: PersistedState = vscode.getState() ?? {};
let order: StepOrder = persisted.order ?? 'slowest';

function draw(): void {
  if (!persisted.state) return;
  render(document, root, persisted.state, order, {
    onOrder: (next) => {
      order = next;
      save();
      vscode.postMessage({ type: 'ordered', order });
      draw();
      root.querySelector<HTMLButtonElement>(`button[data-order="${order}"]`)?.focus();
    },
    onAction: (type) => vscode.postMessage({ type }),
    onStep: (step) => vscode.postMessage({ type: 'openStep', ...step }),
  });
}

function save(): void {
  persisted = { ...persisted, order };
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
