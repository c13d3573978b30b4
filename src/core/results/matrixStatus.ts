import type { CellStatus } from './types';

/** What the status bar says about the whole matrix: "3/7 building", "1 failed", "7/7 built". */
export interface MatrixStatus {
  state: 'building' | 'failed' | 'built' | 'partial';
  text: string;
  tooltip: string;
}

/** undefined when there is no cell at all (no Dockerfile in the workspace). */
export function matrixStatus(statuses: readonly CellStatus[]): MatrixStatus | undefined {
  const n = statuses.length;
  if (!n) return undefined;
  const count = (...s: CellStatus[]): number => statuses.filter((x) => s.includes(x)).length;
  const building = count('queued', 'running');
  const failed = count('failed');
  const built = count('succeeded');
  const parts = [
    `${built}/${n} cells built`,
    building ? `${building} building` : '',
    failed ? `${failed} failed` : '',
    count('cancelled') ? `${count('cancelled')} cancelled` : '',
  ].filter(Boolean);
  const tooltip = `Multi-Arch: ${parts.join(', ')}. Open the Multi-Arch view.`;
  if (building) return { state: 'building', text: `${building}/${n} building`, tooltip };
  if (failed) return { state: 'failed', text: `${failed} failed`, tooltip };
  return { state: built === n ? 'built' : 'partial', text: `${built}/${n} built`, tooltip };
}
