import * as vscode from 'vscode';
import type { Log } from '../log';
import { isDockerfile } from './documents';
import type { LintService } from './lintService';

/** The lint service, made when the first Dockerfile opens (or when something asks for it first). */
export interface LintLoader {
  service(): Promise<LintService>;
}

/**
 * Lint starts with the first Dockerfile open in the editor: its rules, dockerfile-ast and the registry client load
 * then, not at activation (bench/README.md, activation.ts). Until then there is nothing to lint.
 */
export function registerLint(context: vscode.ExtensionContext, log: Log): LintLoader {
  let service: Promise<LintService> | undefined;
  const load = (): Promise<LintService> =>
    (service ??= import('./startLint').then(({ startLint }) => startLint(context, log)));
  whenDockerfileOpens(context, () => void load());
  return { service: load };
}

/** Runs `start` once: now if a Dockerfile is already open, else when the first one opens. */
export function whenDockerfileOpens(context: vscode.ExtensionContext, start: () => void): void {
  if (vscode.workspace.textDocuments.some(isDockerfile)) return start();
  const opened = vscode.workspace.onDidOpenTextDocument((d) => {
    if (!isDockerfile(d)) return;
    opened.dispose();
    start();
  });
  context.subscriptions.push(opened);
}
