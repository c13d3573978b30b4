// Build facts where the Dockerfile is edited: lens or inline hint per line, hover, emulation hot-spot
// diagnostics with their quick-fix, and the matrix status bar item.
import * as vscode from 'vscode';
import type { LintService } from '../lint/lintService';
import { DOCKERFILE_SELECTOR } from '../lint/documents';
import type { Log } from '../log';
import type { CellStates } from '../model/cellStates';
import type { ConfigModel } from '../model/configModel';
import { BuildFactsSource } from './buildFacts';
import { BuildFactsDisplay } from './factsDisplay';
import { HotSpotActions, HotSpotDiagnostics } from './hotSpots';
import { MatrixStatusBar, type MatrixStatusView } from './matrixStatusBar';

/** What the integration tests (and other extensions) can read. */
export interface InsightApi {
  /** The matrix status bar item as it is shown now. */
  statusBar(): MatrixStatusView;
  /** Fires after the build facts were re-read (a build finished, results.json or a config changed). */
  onDidChangeFacts: vscode.Event<void>;
}

export function registerInsight(
  context: vscode.ExtensionContext,
  deps: {
    model: ConfigModel;
    cells: CellStates;
    lint: LintService;
    onDidFinishBuild: vscode.Event<unknown>;
    log: Log;
  },
): InsightApi {
  const source = new BuildFactsSource(deps.model, deps.onDidFinishBuild, deps.log);
  const display = new BuildFactsDisplay(source);
  const hotSpots = new HotSpotDiagnostics(source);
  const status = new MatrixStatusBar(deps.model, deps.cells);
  context.subscriptions.push(
    source,
    display,
    hotSpots,
    status,
    vscode.languages.registerCodeLensProvider(DOCKERFILE_SELECTOR, display),
    vscode.languages.registerInlayHintsProvider(DOCKERFILE_SELECTOR, display),
    vscode.languages.registerHoverProvider(DOCKERFILE_SELECTOR, display),
    vscode.languages.registerCodeActionsProvider(
      DOCKERFILE_SELECTOR,
      new HotSpotActions(deps.lint, context.extensionUri),
      HotSpotActions.metadata,
    ),
  );
  return { statusBar: () => status.view, onDidChangeFacts: source.onDidChange };
}
