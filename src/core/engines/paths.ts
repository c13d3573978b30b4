import { join } from 'node:path';

/** Where build outputs live inside a project: `.multiarch/` next to the config (gitignored by users). */
export function stateDir(root: string): string {
  return join(root, '.multiarch');
}

export function ociArchivePath(root: string, variant: string): string {
  return join(stateDir(root), 'out', `${variant}.tar`);
}

export function metadataPath(root: string, id: string): string {
  return join(stateDir(root), 'metadata', `${id.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
}
