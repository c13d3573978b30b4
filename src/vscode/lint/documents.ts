import * as vscode from 'vscode';
import { basename } from 'node:path';
import { isDockerfileName } from '../../core/config/fileNames';

/** Dockerfiles by language id, or by name when no extension claims the file. */
export function isDockerfile(document: vscode.TextDocument): boolean {
  if (document.languageId === 'dockerfile' || document.languageId === 'containerfile') return true;
  if (document.uri.scheme === 'untitled' || document.languageId !== 'plaintext') return false;
  return isDockerfileName(basename(document.uri.path));
}
