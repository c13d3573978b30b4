// Build facts where the Dockerfile is edited (startFacts.ts: lens or inline hint per line, hover, emulation
// hot-spot diagnostics with their quick-fix, loaded with the first Dockerfile) and the matrix status bar item.
import * as vscode from 'vscode';
import { whenDockerfileOpens, type LintLoader } from '../lint/registerLint';
import type { Log } from '../log';
import type { CellStates } from '../model/cellStates';
import type { ConfigModel } from '../model/configModel';
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
    lint: LintLoader;
    onDidFinishBuild: vscode.Event<unknown>;
    log: Log;
  },
): InsightApi {
  const status = new MatrixStatusBar(deps.model, deps.cells);
  const factsChanged = new vscode.EventEmitter<void>();
  context.subscriptions.push(status, factsChanged);
  // The facts read results.json and place steps on lines: that code loads when a Dockerfile first opens.
  whenDockerfileOpens(context, () => {
    void import('./startFacts').then(({ startFacts }) => {
      context.subscriptions.push(startFacts(context, deps)(() => factsChanged.fire()));
    });
  });
  return { statusBar: () => status.view, onDidChangeFacts: factsChanged.event };
}
