import * as vscode from 'vscode';
import { basename } from 'node:path';
import { dockerfileGlob, isDockerfileName } from '../../core/config/fileNames';

/** Dockerfiles by language id, or by name when no extension claims the file. */
export function isDockerfile(document: vscode.TextDocument): boolean {
  if (document.languageId === 'dockerfile' || document.languageId === 'containerfile') return true;
  if (document.uri.scheme === 'untitled' || document.languageId !== 'plaintext') return false;
  return isDockerfileName(basename(document.uri.path));
}

/** Where Dockerfile features apply: the dockerfile language, or a Dockerfile name when no extension claims it. */
export const DOCKERFILE_SELECTOR: vscode.DocumentSelector = [
  { language: 'dockerfile' },
  { scheme: 'file', pattern: `**/{${dockerfileGlob}}` },
];
