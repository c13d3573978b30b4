// The Dockerfile half of insight, started by registerInsight.ts with the first Dockerfile: lens or inline hint per
// line, hover, emulation hot-spot diagnostics with their quick-fix.
import * as vscode from 'vscode';
import { DOCKERFILE_SELECTOR } from '../lint/documents';
import type { LintLoader } from '../lint/registerLint';
import type { Log } from '../log';
import type { ConfigModel } from '../model/configModel';
import { BuildFactsSource } from './buildFacts';
import { BuildFactsDisplay } from './factsDisplay';
import { HotSpotActions, HotSpotDiagnostics } from './hotSpots';

/** Sets up the build facts of Dockerfiles; returns where they announce a re-read. */
export function startFacts(
  context: vscode.ExtensionContext,
  deps: { model: ConfigModel; lint: LintLoader; onDidFinishBuild: vscode.Event<unknown>; log: Log },
): vscode.Event<void> {
  const source = new BuildFactsSource(deps.model, deps.onDidFinishBuild, deps.log);
  const display = new BuildFactsDisplay(source);
  const hotSpots = new HotSpotDiagnostics(source);
  context.subscriptions.push(
    source,
    display,
    hotSpots,
    vscode.languages.registerCodeLensProvider(DOCKERFILE_SELECTOR, display),
    vscode.languages.registerInlayHintsProvider(DOCKERFILE_SELECTOR, display),
    vscode.languages.registerHoverProvider(DOCKERFILE_SELECTOR, display),
    vscode.languages.registerCodeActionsProvider(
      DOCKERFILE_SELECTOR,
      new HotSpotActions(deps.lint, context.extensionUri),
      HotSpotActions.metadata,
    ),
  );
  return source.onDidChange;
}
