import * as vscode from 'vscode';
import type { Log } from './log';
import { showUserError, UserError } from './build/userError';

/**
 * The one workspace-trust refusal: `runs` says what would run with this workspace's configuration
 * ("Building runs container engines with this workspace's configuration").
 */
export function untrustedError(runs: string): UserError {
  return new UserError(
    `${runs}, so it needs a trusted workspace. Trust the folder (Workspaces: Manage Workspace Trust), then try again.`,
    [{ title: 'Manage Workspace Trust', command: 'workbench.trust.manage' }],
  );
}

/** True in a trusted workspace; otherwise shows the refusal and returns false. */
export function requireTrust(log: Log, runs: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void showUserError(log, untrustedError(runs));
  return false;
}
