// One status bar item for the whole matrix ("3/7 building", "7/7 built", "1 failed"), opening the
// Multi-Arch view; hidden while the workspace has no Dockerfile (no config, no fallback).
import * as vscode from 'vscode';
import { matrixStatus, type MatrixStatus } from '../../core/results/matrixStatus';
import { Disposable } from '../disposable';
import type { CellStates } from '../model/cellStates';
import type { ConfigModel } from '../model/configModel';

const ICONS: Record<MatrixStatus['state'], string> = {
  building: '$(sync~spin)',
  failed: '$(error)',
  built: '$(check)',
  partial: '$(layers)',
};

/** What the item shows, for the API the integration tests read. */
export interface MatrixStatusView {
  visible: boolean;
  text: string;
  tooltip: string;
}

export class MatrixStatusBar extends Disposable {
  private readonly item = this.register(
    vscode.window.createStatusBarItem('multiarch.matrix', vscode.StatusBarAlignment.Left, 50),
  );
  private shown: MatrixStatusView = { visible: false, text: '', tooltip: '' };

  constructor(
    private readonly model: ConfigModel,
    private readonly cells: CellStates,
  ) {
    super();
    this.item.name = 'Multi-Arch Builds';
    this.item.command = 'workbench.view.extension.multiarch';
    this.register(model.onDidChange(() => this.update()));
    this.register(cells.onDidChange(() => this.update()));
    this.update();
  }

  get view(): MatrixStatusView {
    return this.shown;
  }

  private update(): void {
    const statuses = this.model.configs.flatMap(({ config }) =>
      config.variants.flatMap((v) =>
        v.platforms.map((platform) => this.cells.get({ variant: v.name, platform }).status),
      ),
    );
    const s = matrixStatus(statuses);
    if (!s) {
      this.item.hide();
      this.shown = { visible: false, text: '', tooltip: '' };
      return;
    }
    this.item.text = `${ICONS[s.state]} ${s.text}`;
    this.item.tooltip = s.tooltip;
    this.item.backgroundColor =
      s.state === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
    this.shown = { visible: true, text: this.item.text, tooltip: s.tooltip };
  }
}
