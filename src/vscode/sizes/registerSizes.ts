// Image Sizes: the palette/variant-menu command, the panel serializer (restores the panel after a
// reload), and a hidden command the integration tests use to see what the panel last posted.
import * as vscode from 'vscode';
import type { Log } from '../log';
import { showError } from '../log';
import { variantArg } from './projects';
import { SIZES_VIEW_TYPE } from '../../shared/sizesProtocol';
import { SizesPanel, type PanelProbe } from './sizesPanel';
import { SizesSource } from './sizesSource';
import type { ConfigModel } from '../model/configModel';

interface ProbeRequest {
  /** Resolve once the webview has said "ready" at least this many times (it does after every load). */
  minReady?: number;
  minPosted?: number;
  timeoutMs?: number;
}

export function registerSizes(context: vscode.ExtensionContext, model: ConfigModel, log: Log): void {
  const source = new SizesSource(model, log);
  context.subscriptions.push(source);
  let current: SizesPanel | undefined;

  const adopt = (make: (onDisposed: () => void) => SizesPanel): SizesPanel => {
    current?.dispose();
    const panel = make(() => {
      if (current === panel) current = undefined;
    });
    current = panel;
    context.subscriptions.push(panel);
    return panel;
  };

  const waitForProbe = (req: ProbeRequest = {}): Promise<PanelProbe | undefined> => {
    const ok = (p: PanelProbe): boolean => p.ready >= (req.minReady ?? 0) && p.posted >= (req.minPosted ?? 0);
    const panel = current;
    if (!panel) return Promise.resolve(undefined);
    if (ok(panel.probe)) return Promise.resolve({ ...panel.probe });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error(`sizes panel: no ready ≥ ${req.minReady ?? 0} / posted ≥ ${req.minPosted ?? 0} (now ${panel.probe.ready}/${panel.probe.posted})`));
      }, req.timeoutMs ?? 20_000);
      const sub = panel.onDidProbe((p) => {
        if (!ok(p)) return;
        clearTimeout(timer);
        sub.dispose();
        resolve({ ...p });
      });
    });
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('multiarch.sizes.show', (arg?: unknown) => {
      try {
        const panel = current ?? adopt((done) => SizesPanel.create(context.extensionUri, source, log, done));
        panel.show(variantArg(arg));
      } catch (err) {
        void showError(log, `Could not open Image Sizes: ${err instanceof Error ? err.message : String(err)}`);
      }
    }),
    vscode.commands.registerCommand('multiarch.sizes._lastState', (req?: ProbeRequest) => waitForProbe(req)),
    vscode.window.registerWebviewPanelSerializer(SIZES_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        // The webview redraws from its own saved state at once, then asks for fresh rows ("ready").
        adopt((done) => new SizesPanel(panel, context.extensionUri, source, log, done));
      },
    }),
  );
}
