import * as vscode from 'vscode';
import type { ConfigProblem, ResolvedVariant } from '../../core/config/types';
import type { Cell } from '../../core/jobs';
import { slowestStepLine, timingLabel } from '../../core/report/timings';
import type { CellView } from '../model/cellStates';

/** A row of the Variants view. */
export type VariantRow =
  | { kind: 'untrusted' }
  | { kind: 'folder'; folder: vscode.WorkspaceFolder }
  | { kind: 'problem'; problem: ConfigProblem }
  | { kind: 'fallback'; folder: vscode.WorkspaceFolder; dockerfile: string }
  | { kind: 'variant'; folder: vscode.WorkspaceFolder; variant: ResolvedVariant }
  | { kind: 'platform'; folder: vscode.WorkspaceFolder; variant: ResolvedVariant; platform: string };

export function cellOf(row: Extract<VariantRow, { kind: 'platform' }>): Cell {
  return { variant: row.variant.name, platform: row.platform };
}

const statusIcon: Record<CellView['status'], vscode.ThemeIcon> = {
  idle: new vscode.ThemeIcon('circle-large-outline'),
  queued: new vscode.ThemeIcon('clock'),
  running: new vscode.ThemeIcon('sync~spin'),
  succeeded: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  cancelled: new vscode.ThemeIcon('circle-slash'),
};

export function seconds(ms: number): string {
  return ms < 60_000
    ? `${(ms / 1000).toFixed(1)} s`
    : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function problemItem(p: ConfigProblem): vscode.TreeItem {
  const item = new vscode.TreeItem(p.message, vscode.TreeItemCollapsibleState.None);
  item.description = `${vscode.workspace.asRelativePath(p.file)}:${p.line}:${p.column}`;
  item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  item.tooltip = `${p.file}:${p.line}:${p.column}\n${p.message}\n\nClick to open the config at the problem.`;
  item.contextValue = 'multiarch:problem';
  item.command = {
    command: 'vscode.open',
    title: 'Open Config at Problem',
    arguments: [
      vscode.Uri.file(p.file),
      {
        selection: new vscode.Range(p.line - 1, p.column - 1, p.line - 1, p.column - 1),
      } satisfies vscode.TextDocumentShowOptions,
    ],
  };
  return item;
}

export function untrustedItem(): vscode.TreeItem {
  const item = new vscode.TreeItem('Restricted Mode: building is disabled', vscode.TreeItemCollapsibleState.None);
  item.description = 'trust this workspace to build';
  item.tooltip =
    "Builds run container engines with this workspace's multiarch.yaml and Dockerfile. The matrix is shown, but building needs a trusted workspace. Click to manage workspace trust.";
  item.iconPath = new vscode.ThemeIcon('shield');
  item.contextValue = 'multiarch:untrusted';
  item.command = { command: 'workbench.trust.manage', title: 'Manage Workspace Trust' };
  return item;
}

export function fallbackItem(dockerfile: string): vscode.TreeItem {
  const item = new vscode.TreeItem(
    'No multiarch.yaml: building the Dockerfile as one variant',
    vscode.TreeItemCollapsibleState.None,
  );
  item.description = vscode.workspace.asRelativePath(dockerfile);
  item.iconPath = new vscode.ThemeIcon('info');
  item.tooltip = "Click to create multiarch.yaml from the Dockerfile's ARGs and define variants.";
  item.contextValue = 'multiarch:fallback';
  item.command = { command: 'multiarch.config.create', title: 'Create multiarch.yaml' };
  return item;
}

export function variantItem(variant: ResolvedVariant, variantArg: string | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem(variant.name, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `variant:${variant.name}:${variant.dockerfile}`;
  item.iconPath = new vscode.ThemeIcon('package');
  const n = variant.platforms.length;
  item.description = `${n} platform${n === 1 ? '' : 's'}${variantArg ? ` · ${variantArg}=${variant.name}` : ''}`;
  const md = new vscode.MarkdownString(undefined, false);
  md.appendMarkdown(`**${variant.name}**\n\n`);
  md.appendText(`Dockerfile: ${vscode.workspace.asRelativePath(variant.dockerfile)}\n`);
  md.appendText(`Platforms: ${variant.platforms.join(', ')}\n`);
  md.appendText(`Tags: ${variant.tags.join(', ')}\n`);
  for (const [k, v] of Object.entries(variant.args)) md.appendText(`--build-arg ${k}=${v}\n`);
  item.tooltip = md;
  item.contextValue = 'multiarch:variant';
  return item;
}

export function platformItem(variant: ResolvedVariant, platform: string, view: CellView): vscode.TreeItem {
  const item = new vscode.TreeItem(platform, vscode.TreeItemCollapsibleState.None);
  item.id = `platform:${variant.name}:${platform}:${variant.dockerfile}`;
  item.iconPath = statusIcon[view.status];
  // "queued: waiting for shared stage deps" while Build All builds the stages every variant shares.
  const parts: string[] = [view.status === 'queued' && view.waiting ? `queued: ${view.waiting}` : view.status];
  const finished = view.status !== 'running' && view.status !== 'queued';
  const timing = finished && view.timing ? timingLabel(view) : undefined;
  if (timing) parts.push(timing);
  else if (view.durationMs !== undefined && finished) parts.push(seconds(view.durationMs));
  // "succeeded · 12 s · on arm-box": only a build node is named; this machine is the default.
  if (finished && view.node) parts.push(`on ${view.node}`);
  if (view.verify) parts.push(`verify ${view.verify.status}`);
  item.description = parts.join(' · ');
  const tooltip = [`${variant.name} on ${platform}: ${view.status}`];
  if (view.finishedAt)
    tooltip.push(`Finished ${view.finishedAt.toLocaleString()}${view.node ? ` on build node ${view.node}` : ''}`);
  if (view.detail) tooltip.push(view.detail);
  const slowest = finished ? slowestStepLine(view.timing) : undefined;
  if (slowest) tooltip.push(slowest);
  if (view.verify) tooltip.push(`Verification: ${view.verify.status}`, view.verify.text);
  item.tooltip = tooltip.join('\n');
  item.contextValue = `multiarch:platform:${view.status}`;
  if (view.logUri)
    item.command = { command: 'multiarch.build.showLog', title: 'Show Build Log', arguments: [view.logUri] };
  return item;
}
