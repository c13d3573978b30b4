import * as vscode from 'vscode';
import type { Log } from '../log';
import { FIX_ALL_KIND, LintCodeActions } from './codeActions';
import { DOCKERFILE_SELECTOR as SELECTOR } from './documents';
import { LintService } from './lintService';

/**
 * Dockerfile diagnostics and quick-fixes (Fix All Dockerfile Problems is in lintCommands.ts), started by registerLint.ts
 * with the first Dockerfile. Quiet: no notifications.
 */
export function startLint(context: vscode.ExtensionContext, log: Log): LintService {
  const service = new LintService(log);
  context.subscriptions.push(
    service,
    vscode.languages.registerCodeActionsProvider(SELECTOR, new LintCodeActions(service), LintCodeActions.metadata),
  );
  log.info(`lint: ready (fix-all kind ${FIX_ALL_KIND.value})`);
  return service;
}
