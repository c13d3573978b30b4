import * as vscode from 'vscode';
import type { PrepareAction, PrepareError } from '../../core/build/prepare';
import { showError, type Log } from '../log';

export interface ErrorAction {
  title: string;
  command: string;
  args?: unknown[];
}

/** A problem the user can fix, with a message that says how and the commands offered as buttons. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly actions: ErrorAction[] = [],
  ) {
    super(message);
  }
}

const buttons: Record<PrepareAction, ErrorAction> = {
  selectEngine: { title: 'Select Engine', command: 'multiarch.engine.select' },
  openConfig: { title: 'Open Config', command: 'multiarch.config.open' },
  installEmulators: { title: 'Install Emulators', command: 'multiarch.emulation.install' },
  removeBrokenImage: { title: 'Remove Broken Image', command: 'multiarch.build.removeBrokenImage' },
  allowOutsideProject: { title: 'Open Config', command: 'multiarch.config.open' },
};

/** The button for a core pre-flight failure's action id. */
export function prepareActions(err: PrepareError): ErrorAction[] {
  if (!err.action) return [];
  return [err.action === 'removeBrokenImage' ? { ...buttons[err.action], args: [err.images] } : buttons[err.action]];
}

/** Core messages are CLI-style lower case; a notification starts with a capital. */
export function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** Shows the error with its buttons and runs the command of the one clicked. */
export async function showUserError(log: Log, err: UserError): Promise<void> {
  const choice = await showError(log, err.message, ...err.actions.map((a) => a.title));
  const action = err.actions.find((a) => a.title === choice);
  if (action) await vscode.commands.executeCommand(action.command, ...(action.args ?? []));
}

/** A core pre-flight failure as a UserError. */
export function fromPrepareError(err: PrepareError): UserError {
  return new UserError(sentence(err.message), prepareActions(err));
}
