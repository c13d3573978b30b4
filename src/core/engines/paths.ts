import { join } from 'node:path';
import { stateDir } from '../state/paths';

// Build outputs live in the project's state folder (core/state) with everything else multiarch keeps.
export { stateDir };

export function ociArchivePath(root: string, variant: string): string {
  return join(stateDir(root), 'out', `${variant}.tar`);
}

export function metadataPath(root: string, id: string): string {
  return join(stateDir(root), 'metadata', `${id.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
}
