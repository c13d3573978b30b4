// Emulation hot spots as Information diagnostics on their Dockerfile lines, with the measured numbers; the
// quick-fix is the Go cross-compile rewrite of MultiArch/EmulatedCompileStage where it applies to the
// line's stage, otherwise the README section on moving work to $BUILDPLATFORM or to a build node.
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { LineFact } from '../../core/report/lineFacts';
import { lineHotSpotsSentence } from '../../core/report/lineFactsText';
import { Disposable } from '../disposable';
import { toRange, toWorkspaceEdit } from '../lint/convert';
import { isDockerfile } from '../lint/documents';
import type { LintLoader } from '../lint/registerLint';
import type { LintService } from '../lint/lintService';
import type { BuildFactsSource } from './buildFacts';

export const HOT_SPOT_CODE = 'MultiArch/EmulationHotSpot';
export const HOT_SPOT_SOURCE = 'multiarch timings';
const README_HEADING = '### Moving work off emulation';
const README_URL = 'https://github.com/multiarch-builds/multiarch-builds/blob/main/README.md#moving-work-off-emulation';
const COMPILE_RULE = 'MultiArch/EmulatedCompileStage';
const DEBOUNCE_MS = 300;

/** "Emulation hot spot: under QEMU this step took 26.0 s on linux/arm64 against 3.5 s … (7.4×) in variant a; also in b." */
export function hotSpotMessage(fact: LineFact): string {
  return `Emulation hot spot: ${lineHotSpotsSentence(fact.hotSpots)}. Move this work to $BUILDPLATFORM or to a native build node`;
}

export class HotSpotDiagnostics extends Disposable {
  readonly collection = this.register(vscode.languages.createDiagnosticCollection('multiarch-hotspots'));
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly source: BuildFactsSource) {
    super();
    this.register(source.onDidChange(() => this.updateAllOpen()));
    this.register(vscode.workspace.onDidOpenTextDocument((d) => void this.update(d)));
    this.register(vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)));
    this.register(
      vscode.workspace.onDidCloseTextDocument((d) => {
        clearTimeout(this.timers.get(d.uri.toString()));
        this.collection.delete(d.uri);
      }),
    );
    this.register({ dispose: () => this.timers.forEach((t) => clearTimeout(t)) });
    this.updateAllOpen();
  }

  private schedule(document: vscode.TextDocument): void {
    if (!isDockerfile(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => void this.update(document), DEBOUNCE_MS),
    );
  }

  private updateAllOpen(): void {
    for (const d of vscode.workspace.textDocuments) void this.update(d);
  }

  async update(document: vscode.TextDocument): Promise<void> {
    if (!isDockerfile(document) || document.isClosed) return;
    const version = document.version;
    const facts = await this.source.facts(document);
    if (document.isClosed || document.version !== version) return;
    this.collection.set(
      document.uri,
      facts.filter((f) => !f.stale && f.hotSpots.length).map((f) => diagnosticOf(document, f)),
    );
  }
}

function diagnosticOf(document: vscode.TextDocument, fact: LineFact): vscode.Diagnostic {
  const line = document.lineAt(fact.line);
  const range = new vscode.Range(fact.line, line.firstNonWhitespaceCharacterIndex, fact.line, line.text.length);
  const d = new vscode.Diagnostic(range, hotSpotMessage(fact), vscode.DiagnosticSeverity.Information);
  d.source = HOT_SPOT_SOURCE;
  d.code = { value: HOT_SPOT_CODE, target: vscode.Uri.parse(README_URL) };
  return d;
}

export class HotSpotActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
  };
  private readme: Promise<number> | undefined;

  constructor(
    private readonly lint: LintLoader,
    private readonly extensionUri: vscode.Uri,
  ) {}

  async provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): Promise<vscode.CodeAction[]> {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== HOT_SPOT_SOURCE) continue;
      const fix = this.crossCompileFix(document, diagnostic.range.start.line, await this.lint.service());
      if (fix) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.edit = toWorkspaceEdit(document.uri, fix.edits);
        action.diagnostics = [diagnostic];
        actions.push(action);
        continue;
      }
      const readme = vscode.Uri.joinPath(this.extensionUri, 'README.md');
      const at = new vscode.Position(await this.readmeLine(readme), 0);
      const action = new vscode.CodeAction(
        'Read how to move this work to $BUILDPLATFORM or a build node (README)',
        vscode.CodeActionKind.QuickFix,
      );
      action.command = {
        title: action.title,
        command: 'vscode.open',
        // Beside the Dockerfile, which stays open.
        arguments: [
          readme,
          { selection: new vscode.Range(at, at), preview: true, viewColumn: vscode.ViewColumn.Beside },
        ],
      };
      action.diagnostics = [diagnostic];
      actions.push(action);
    }
    return actions;
  }

  /** The EmulatedCompileStage rewrite of the stage holding `line`, when lint offers one for it. */
  private crossCompileFix(
    document: vscode.TextDocument,
    line: number,
    lint: LintService,
  ): { title: string; edits: Parameters<typeof toWorkspaceEdit>[1] } | undefined {
    let from = -1;
    for (let l = line; l >= 0 && from < 0; l--) if (/^\s*FROM\s/i.test(document.lineAt(l).text)) from = l;
    const finding = lint
      .current(document)
      .find((d) => d.rule === COMPILE_RULE && toRange(d.range).start.line === from && d.suggestions?.length);
    return finding?.suggestions?.[0];
  }

  private readmeLine(readme: vscode.Uri): Promise<number> {
    this.readme ??= readFile(readme.fsPath, 'utf8')
      .then((text) => Math.max(0, text.split('\n').indexOf(README_HEADING)))
      .catch(() => 0);
    return this.readme;
  }
}
