// The build facts on each Dockerfile line: a CodeLens above it or an inline hint after it (the
// multiarch.buildFacts setting), and a hover with the variant × platform table. Both open the Build
// Timeline on the step.
import * as vscode from 'vscode';
import type { LineCell, LineFact } from '../../core/report/lineFacts';
import { lineFactsMarkdown } from '../../core/report/lineFactsText';
import { Disposable } from '../disposable';
import { isDockerfile } from '../lint/documents';
import { buildFactsDisplay } from '../settings';
import type { BuildFactsSource } from './buildFacts';

export const SHOW_TIMELINE = 'multiarch.timeline.show';

/** The step the Build Timeline is focused on: the slowest fresh cell of the line, else its first cell. */
export function timelineArg(fact: LineFact): { variant: string; platform: string; position: number } {
  const fresh = fact.cells.filter((c) => !c.stale);
  const pick: LineCell = [...fresh].sort((a, b) => b.seconds - a.seconds)[0] ?? fact.cells[0]!;
  return { variant: pick.variant, platform: pick.platform, position: pick.position };
}

function openCommand(fact: LineFact): vscode.Command {
  return { title: 'Open in Build Timeline', command: SHOW_TIMELINE, arguments: [timelineArg(fact)] };
}

/** The text shown on the line: the summary, marked when stale. */
export function factsLabel(fact: LineFact): string {
  return fact.stale ? `$(history) ${fact.summary}` : fact.summary;
}

export class BuildFactsDisplay
  extends Disposable
  implements vscode.CodeLensProvider, vscode.InlayHintsProvider, vscode.HoverProvider
{
  private readonly lensesChanged = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.lensesChanged.event;
  private readonly hintsChanged = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeInlayHints = this.hintsChanged.event;

  constructor(private readonly source: BuildFactsSource) {
    super();
    const redraw = (): void => {
      this.lensesChanged.fire();
      this.hintsChanged.fire();
    };
    this.register(source.onDidChange(redraw));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('multiarch.buildFacts')) redraw();
      }),
    );
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!isDockerfile(document) || buildFactsDisplay(document.uri) !== 'lens') return [];
    return (await this.source.facts(document)).map((fact) => {
      const range = new vscode.Range(fact.line, 0, fact.line, 0);
      return new vscode.CodeLens(range, { ...openCommand(fact), title: factsLabel(fact), tooltip: fact.summary });
    });
  }

  async provideInlayHints(document: vscode.TextDocument, range: vscode.Range): Promise<vscode.InlayHint[]> {
    if (!isDockerfile(document) || buildFactsDisplay(document.uri) !== 'hint') return [];
    const hints: vscode.InlayHint[] = [];
    for (const fact of await this.source.facts(document)) {
      if (fact.line < range.start.line || fact.line > range.end.line) continue;
      const part = new vscode.InlayHintLabelPart(fact.stale ? `⟲ ${fact.summary}` : fact.summary);
      part.command = openCommand(fact);
      part.tooltip = hoverMarkdown(fact);
      const hint = new vscode.InlayHint(document.lineAt(fact.line).range.end, [part]);
      hint.paddingLeft = true;
      hints.push(hint);
    }
    return hints;
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!isDockerfile(document) || buildFactsDisplay(document.uri) === 'off') return undefined;
    const fact = await this.source.factAt(document, position.line);
    return fact ? new vscode.Hover(hoverMarkdown(fact), document.lineAt(fact.line).range) : undefined;
  }
}

function hoverMarkdown(fact: LineFact): vscode.MarkdownString {
  const link = `command:${SHOW_TIMELINE}?${encodeURIComponent(JSON.stringify([timelineArg(fact)]))}`;
  const md = new vscode.MarkdownString(`${lineFactsMarkdown(fact)}\n\n[Open in Build Timeline](${link})`, true);
  md.isTrusted = { enabledCommands: [SHOW_TIMELINE] };
  return md;
}
