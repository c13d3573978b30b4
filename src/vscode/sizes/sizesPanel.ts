// The one Image Sizes panel: posts state to its webview, answers its messages, follows result changes.
import * as vscode from 'vscode';
import { HostedPanel, type HostedPanelEvents, type PanelContext } from '../webview/panelHost';
import { SIZES_PAGE } from './html';
import type { PageMessage } from '../../shared/pageProtocol';
import {
  isFromWebview,
  type ComparisonView,
  type FromWebview,
  type SizesState,
  type ToWebview,
} from '../../shared/sizesProtocol';
import type { SizesSource } from './sizesSource';
import { messageOf } from '../../core/errors';

/** What happens to a panel, for whoever shows it (the API activate() returns forwards these). */
export type PanelEvents = HostedPanelEvents<SizesState>;

export class SizesPanel extends HostedPanel<SizesState, ToWebview, FromWebview> {
  private focusVariant: string | undefined;
  private comparison: ComparisonView | undefined;

  constructor(
    panel: vscode.WebviewPanel,
    private readonly source: SizesSource,
    context: PanelContext<PanelEvents>,
  ) {
    const messages = { name: 'sizes', isMessage: isFromWebview };
    super(panel, context, { page: SIZES_PAGE, messages, changes: source.onDidChange });
  }

  show(focusVariant?: string): void {
    this.focusVariant = focusVariant;
    this.panel.reveal();
    void this.refresh();
  }

  protected async readAndPost(): Promise<void> {
    const state = await this.source.read(this.focusVariant);
    await this.deliver({ type: 'state', state: this.comparison ? { ...state, comparison: this.comparison } : state });
  }

  /** Shows "Compare architectures" for `variant`: loading first, then the result or why there is none. */
  async compare(variant: string): Promise<ComparisonView> {
    this.comparison = { variant, loading: true };
    await this.refresh();
    try {
      this.comparison = { variant, result: await this.source.compare(variant) };
    } catch (err) {
      this.comparison = { variant, error: messageOf(err) };
      this.log.warn(`sizes: compare ${variant}: ${this.comparison.error}`);
    }
    const shown = this.comparison;
    await this.refresh();
    return shown;
  }

  protected async handle(msg: Exclude<FromWebview, PageMessage>): Promise<void> {
    switch (msg.type) {
      case 'verify':
        await vscode.commands.executeCommand('multiarch.verify.run');
        return;
      case 'exportReport':
        await vscode.commands.executeCommand('multiarch.report.export');
        return;
      case 'buildAll':
        return this.buildAll();
      case 'compare':
        await this.compare(msg.variant);
        return;
      case 'sorted':
        this.log.debug(`sizes: sorted by ${msg.sort.key}${msg.sort.descending ? ' (descending)' : ''}`);
        return;
    }
  }

  private async buildAll(): Promise<void> {
    await vscode.commands.executeCommand('multiarch.build.all');
  }
}
