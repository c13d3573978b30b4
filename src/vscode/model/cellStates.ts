import * as vscode from 'vscode';
import { cellId, type Cell } from '../../core/jobs';
import type { CellTiming } from '../../core/insight/types';
import type { CellStatus } from '../../core/results/types';
import { Disposable } from '../disposable';

export interface CellView {
  status: CellStatus;
  /** Duration of the last finished build. */
  durationMs?: number;
  /** Steps of the last finished build, when the engine's progress output was read. */
  timing?: CellTiming;
  /** One line: exit code, error, or the image reference built. */
  detail?: string;
  /** While queued: what the cell waits for before its build starts (a base image pull, a shared stage). */
  waiting?: string;
  finishedAt?: Date;
  /** The build node the last build ran on; absent: this machine. */
  node?: string;
  /** The log of the last build of this cell. */
  logUri?: vscode.Uri;
  /** Result of the last verification; `text` has a line per check ("redis client ✅ 5.0.1 aarch64"). */
  verify?: { status: 'pass' | 'fail' | 'skipped'; text: string };
}

/** What the tree shows for each cell; builds and verification write, the tree reads. */
export class CellStates extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<Cell[]>());
  readonly onDidChange = this.changed.event;
  private readonly states = new Map<string, CellView>();

  get(cell: Cell): CellView {
    return this.states.get(cellId(cell)) ?? { status: 'idle' };
  }

  update(cell: Cell, patch: Partial<CellView>): void {
    this.states.set(cellId(cell), { ...this.get(cell), ...patch });
    this.changed.fire([cell]);
  }

  isBusy(cell: Cell): boolean {
    const s = this.get(cell).status;
    return s === 'queued' || s === 'running';
  }
}
