import * as vscode from 'vscode';
import { dockerfileGlob } from '../../core/config/fileNames';
import type { Log } from '../log';
import { FIX_ALL_KIND, LintCodeActions } from './codeActions';
import { LintService } from './lintService';

const SELECTOR: vscode.DocumentSelector = [
  { language: 'dockerfile' },
  { scheme: 'file', pattern: `**/{${dockerfileGlob}}` },
];

/** Dockerfile diagnostics and quick-fixes (Fix All Dockerfile Problems is in lintCommands.ts). Quiet: no notifications. */
export function registerLint(context: vscode.ExtensionContext, log: Log): LintService {
  const service = new LintService(log);
  context.subscriptions.push(
    service,
    vscode.languages.registerCodeActionsProvider(SELECTOR, new LintCodeActions(service), LintCodeActions.metadata),
  );
  log.info(`lint: ready (fix-all kind ${FIX_ALL_KIND.value})`);
  return service;
}
