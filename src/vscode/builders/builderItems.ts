// The Builders view's rows as tree items, one factory per kind of row (as tree/variantRows.ts does for the Variants view).
import * as vscode from 'vscode';
import type { BuildxBuilder, BuildxNode } from '../../core/engines/buildxOutput';
import type { Availability } from '../../core/engines/emulation';
import type { Choice } from '../../core/engines/detect';

const none = vscode.TreeItemCollapsibleState.None;
const expanded = vscode.TreeItemCollapsibleState.Expanded;

const engineLabel = (c: Choice | undefined): string =>
  c?.ok ? `${c.engine.kind}${c.engine.version ? ` ${c.engine.version}` : ''}` : '';

/** The engine in use and why; clicking it selects another. `choice` is undefined while detection runs. */
export function engineItem(choice: Choice | undefined, auto: boolean): vscode.TreeItem {
  const item = new vscode.TreeItem(choice?.ok ? `Engine: ${engineLabel(choice)}` : 'Engine: none usable', none);
  item.description = auto ? 'auto' : 'set in settings';
  item.tooltip = choice ? (choice.ok ? choice.engine.reason : choice.message) : 'detecting…';
  item.iconPath = new vscode.ThemeIcon(choice?.ok ? 'server-process' : 'warning');
  item.contextValue = 'multiarch:engine';
  item.command = { command: 'multiarch.engine.select', title: 'Select Engine' };
  return item;
}

export function problemItem(text: string): vscode.TreeItem {
  const item = new vscode.TreeItem(text, none);
  item.tooltip = text;
  item.iconPath = new vscode.ThemeIcon('warning');
  item.contextValue = 'multiarch:engineProblem';
  return item;
}

export function builderItem(builder: BuildxBuilder): vscode.TreeItem {
  const item = new vscode.TreeItem(builder.name, expanded);
  item.description = `${builder.driver}${builder.current ? ' · active' : ''}`;
  item.iconPath = new vscode.ThemeIcon(builder.current ? 'pass-filled' : 'server');
  item.contextValue = builder.current ? 'multiarch:builder:active' : 'multiarch:builder';
  return item;
}

export function buildxNodeItem(node: BuildxNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
  item.description = `${node.endpoint} · ${node.status}${node.buildkit ? ` · BuildKit ${node.buildkit}` : ''}`;
  item.iconPath = new vscode.ThemeIcon('vm');
  item.contextValue = 'multiarch:builderNode';
  return item;
}

export function nodePlatformItem(platform: string, support: 'native' | 'emulated'): vscode.TreeItem {
  const item = new vscode.TreeItem(platform, none);
  item.description = support;
  item.iconPath = new vscode.ThemeIcon(support === 'native' ? 'chip' : 'debug-alt');
  item.contextValue = `multiarch:support:${support}`;
  return item;
}

export function nodesSectionItem(): vscode.TreeItem {
  const item = new vscode.TreeItem('Build nodes', expanded);
  item.id = 'multiarch:nodesSection';
  item.tooltip =
    'Each cell builds on a node that runs its platform natively, else here (local). Nodes come from multiarch.yaml (nodes:) and the multiarch.nodes setting.';
  item.iconPath = new vscode.ThemeIcon('server-environment');
  item.contextValue = 'multiarch:nodesSection';
  return item;
}

/** This machine as a build node, with the engine in use. */
export function localItem(host: string, choice: Choice | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem('local', expanded);
  item.id = 'multiarch:node:local';
  item.description = `this machine (${host})${choice?.ok ? ` · ${engineLabel(choice)}` : ''}`;
  item.tooltip = 'This machine: builds every platform no node takes, natively or under QEMU.';
  item.iconPath = new vscode.ThemeIcon('device-desktop');
  item.contextValue = 'multiarch:localEngine';
  return item;
}

export function availabilityItem(a: Availability): vscode.TreeItem {
  const item = new vscode.TreeItem(a.platform, none);
  item.description = a.state === 'emulated' ? `emulated (${a.handler})` : a.state;
  item.tooltip =
    a.state === 'unavailable' ? `Cannot build ${a.platform} here: ${a.fix}` : `${a.platform}: ${item.description}`;
  item.iconPath = new vscode.ThemeIcon(a.state === 'native' ? 'chip' : a.state === 'emulated' ? 'debug-alt' : 'error');
  item.contextValue = `multiarch:support:${a.state}`;
  return item;
}
