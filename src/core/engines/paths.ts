import { join } from 'node:path';
import { archLabel } from '../config/platform';
import { stateDir } from '../state/paths';

// Build outputs live in the project's state folder (core/state) with everything else multiarch keeps.
export { stateDir };

/**
 * A variant's OCI archive; a build of some of its platforms (Build This Platform) writes an archive of
 * its own (`kafka@arm64.tar`), so the archive of the variant's other platforms stays.
 */
export function ociArchivePath(root: string, variant: string, platforms?: string[]): string {
  const only = platforms?.length ? `@${platforms.map(archLabel).join('+')}` : '';
  return join(stateDir(root), 'out', `${variant}${only}.tar`);
}

export function metadataPath(root: string, id: string): string {
  return join(stateDir(root), 'metadata', `${id.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
}
