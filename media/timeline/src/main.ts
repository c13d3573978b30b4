// Webview entry point: receives state from the extension, renders it, persists it for reloads.
import type { FromWebview, PersistedState, StepOrder, ToWebview } from '../../../src/shared/timelineProtocol';
import { render } from './render';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): PersistedState | undefined;
  setState(state: PersistedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

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

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const msg = event.data;
  if (msg.type === 'state') {
    persisted = { ...persisted, state: msg.state };
    save();
    draw();
  }
});

// Draw what was there before a reload at once, then ask the extension for fresh records.
draw();
vscode.postMessage({ type: 'ready' });
