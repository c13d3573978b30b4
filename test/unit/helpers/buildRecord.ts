import type { BuildRecord } from '../../../src/core/results/types';

/** A succeeded build record of variant `minimal` on linux/amd64 by podman into an OCI archive, changed by `over`. */
export function buildRecord(over: Partial<BuildRecord> = {}): BuildRecord {
  return {
    variant: 'minimal',
    platform: 'linux/amd64',
    engine: 'podman',
    output: 'oci',
    status: 'succeeded',
    startedAt: '2026-11-30T09:00:00.000Z',
    durationMs: 1000,
    ...over,
  };
}
