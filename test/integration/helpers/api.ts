import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MultiArchApi } from '../../../src/extension';

export const extensionId = 'multiarch-builds.multiarch-builds';

export async function activateApi(): Promise<MultiArchApi> {
  const ext = vscode.extensions.getExtension<MultiArchApi>(extensionId);
  assert.ok(ext, `${extensionId} is not installed in this host`);
  return ext.activate();
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration tests need a workspace folder (a copy of examples/queue-service)');
  return folder.uri;
}

/** Resolves with the first event value matching `predicate`, or rejects after `timeoutMs`. */
export function waitForEvent<T>(
  event: vscode.Event<T>,
  predicate: (value: T) => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  what = 'event',
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const sub = event(async (value) => {
      if (await predicate(value)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(value);
      }
    });
  });
}

export async function writeText(uri: vscode.Uri, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
}

export async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

/** The exit code of a task the command under test started, once its process ends. */
export function endOf(execution: vscode.TaskExecution | undefined): Promise<number | undefined> {
  assert.ok(execution, 'the command did not start a task');
  return new Promise((resolve) => {
    const sub = vscode.tasks.onDidEndTaskProcess((e) => {
      if (e.execution === execution) {
        sub.dispose();
        resolve(e.exitCode);
      }
    });
  });
}
