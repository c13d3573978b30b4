import * as vscode from 'vscode';
import { fixAll, ignoreRuleEdit, type Fix } from '../../core/lint';
import { minimalReplace, ruleOf, toRange, toWorkspaceEdit } from './convert';
import type { LintService } from './lintService';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('multiarch');

/** Quick-fixes for each finding, "Ignore <Rule> in this file", and source.fixAll.multiarch (for codeActionsOnSave). */
export class LintCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND],
  };

  constructor(private readonly lint: LintService) {}

  provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    if (
      context.only &&
      !context.only.contains(vscode.CodeActionKind.QuickFix) &&
      !context.only.intersects(FIX_ALL_KIND)
    )
      return [];
    const actions: vscode.CodeAction[] = [];
    if (context.only?.intersects(FIX_ALL_KIND)) {
      const action = fixAllAction(document, this.lint);
      if (action) actions.push(action);
      if (!context.only.contains(vscode.CodeActionKind.QuickFix)) return actions;
    }
    // Lightbulb requests arrive while typing: use the last lint only if it matches this version (the
    // debounced lint publishes new diagnostics shortly, and VS Code asks again), so typing never lints twice.
    const current = this.lint.fresh(document) ?? [];
    const ignored = new Set<string>();
    for (const diagnostic of context.diagnostics) {
      const rule = ruleOf(diagnostic);
      if (!rule) continue;
      const match = current.find((d) => d.rule === rule && toRange(d.range).isEqual(diagnostic.range));
      if (match?.fix) actions.push(quickFix(document, diagnostic, { fix: match.fix, preferred: true }));
      // Suggestions guess or change behaviour: listed, never preferred (so never applied by a bare keystroke).
      for (const s of match?.suggestions ?? [])
        actions.push(quickFix(document, diagnostic, { fix: s, preferred: false }));
      if (ignored.has(rule)) continue;
      ignored.add(rule);
      const edit = ignoreRuleEdit(document.getText(), rule);
      if (!edit) continue;
      const ignore = new vscode.CodeAction(`Ignore ${rule} in this file`, vscode.CodeActionKind.QuickFix);
      ignore.edit = toWorkspaceEdit(document.uri, [edit]);
      ignore.diagnostics = [diagnostic];
      actions.push(ignore);
    }
    return actions;
  }
}

function quickFix(
  document: vscode.TextDocument,
  diagnostic: vscode.Diagnostic,
  { fix, preferred }: { fix: Fix; preferred: boolean },
): vscode.CodeAction {
  const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
  action.edit = toWorkspaceEdit(document.uri, fix.edits);
  action.diagnostics = [diagnostic];
  action.isPreferred = preferred;
  return action;
}

export function fixAllAction(document: vscode.TextDocument, lint: LintService): vscode.CodeAction | undefined {
  const edit = fixAllEdit(document, lint);
  if (!edit) return undefined;
  const action = new vscode.CodeAction('Fix all Dockerfile problems', FIX_ALL_KIND);
  action.edit = edit;
  return action;
}

export function fixAllEdit(document: vscode.TextDocument, lint: LintService): vscode.WorkspaceEdit | undefined {
  const before = document.getText();
  const settled = lint.current(document);
  if (!settled.some((d) => d.fix)) return undefined;
  const after = fixAll(before, lint.lastContext(document), lint.options(document)).text;
  return minimalReplace(document, before, after);
}
