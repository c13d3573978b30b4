import * as vscode from 'vscode';
import type { ResolvedConfig } from '../../core/config/types';
import { describeNode } from '../../core/nodes/endpoint';
import type { BuildNode, NodeProbe } from '../../core/nodes/types';

/** A build node in the Builders view, with the config file it came from (for Remove Build Node). */
export interface BuildNodeItem {
  kind: 'buildNode';
  node: BuildNode;
  /** The multiarch.yaml holding it, when it comes from a project. */
  file?: string;
}

type Child = { kind: 'buildNodePlatform'; platform: string; support: string } | { kind: 'problem'; text: string };

/** The workspace's nodes, each name once: the projects' (with their file), then the setting's. */
export function buildNodeItems(
  configs: readonly ResolvedConfig[],
  machineNodes: readonly BuildNode[],
): BuildNodeItem[] {
  const items: BuildNodeItem[] = [];
  const seen = new Set<string>();
  const add = (node: BuildNode, file?: string) => {
    if (seen.has(node.name)) return;
    seen.add(node.name);
    items.push({ kind: 'buildNode', node, ...(file && node.source === 'config' ? { file } : {}) });
  };
  for (const c of configs) for (const n of c.nodes) add(n, c.file);
  // Without a valid project config the setting's nodes still show (and can be tested or removed).
  for (const n of machineNodes) add(n);
  return items;
}

export function sourceLabel(item: BuildNodeItem): string {
  return item.node.source === 'setting'
    ? 'setting'
    : item.file
      ? vscode.workspace.asRelativePath(item.file)
      : 'multiarch.yaml';
}

/** What the view knows of a node: its answer, undefined while it is asked, or not asked in Restricted Mode. */
export type ProbeState = NodeProbe | 'restricted' | undefined;

const restrictedText = 'Not checked in Restricted Mode: trust this workspace to ask the nodes of its multiarch.yaml.';

export function buildNodeItem(item: BuildNodeItem, state: ProbeState): vscode.TreeItem {
  const { node } = item;
  const t = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
  t.id = `multiarch:node:${node.source}:${node.name}`;
  if (state === 'restricted') {
    t.description = `not checked · ${sourceLabel(item)}`;
    t.tooltip = `${describeNode(node)}\n${restrictedText}`;
    t.iconPath = new vscode.ThemeIcon('shield');
    t.contextValue = `multiarch:buildNode:${node.source}`;
    return t;
  }
  const probe = state;
  const status = !probe
    ? 'checking…'
    : probe.reachable
      ? `${node.engine} ${probe.engineVersion ?? ''}`.trim()
      : 'unreachable';
  t.description = `${status} · ${sourceLabel(item)}`;
  const md = new vscode.MarkdownString(undefined, false);
  md.appendText(`${describeNode(node)}\n`);
  md.appendText(
    `Engine: ${node.engine}\nPlatforms (configured): ${node.platforms.join(', ')}\nFrom: ${item.file ?? 'the multiarch.nodes setting'}\n`,
  );
  if (probe?.nativePlatforms) md.appendText(`Native: ${probe.nativePlatforms.join(', ')}\n`);
  if (probe?.emulatedPlatforms?.length) md.appendText(`Emulated: ${probe.emulatedPlatforms.join(', ')}\n`);
  if (probe?.error) md.appendText(`\n${probe.error}\n`);
  t.tooltip = md;
  t.iconPath = !probe
    ? new vscode.ThemeIcon('loading~spin')
    : probe.reachable && !probe.error
      ? new vscode.ThemeIcon('vm-active', new vscode.ThemeColor('testing.iconPassed'))
      : new vscode.ThemeIcon(
          'vm-outline',
          new vscode.ThemeColor(probe.reachable ? 'list.warningForeground' : 'testing.iconFailed'),
        );
  t.contextValue = `multiarch:buildNode:${node.source}`;
  return t;
}

/**
 * The node's platforms: the ones it is configured for, each with what the node says of it, then anything
 * else it runs natively or under emulation. An unreachable node shows why and what to do.
 */
export function buildNodeChildren(item: BuildNodeItem, state: ProbeState): Child[] {
  if (state === 'restricted') return [{ kind: 'problem', text: restrictedText }];
  const probe = state;
  const native = new Set(probe?.nativePlatforms ?? []);
  const emulated = new Set(probe?.emulatedPlatforms ?? []);
  const say = (p: string) => (native.has(p) ? 'native' : emulated.has(p) ? 'emulated' : undefined);
  const children: Child[] = [];
  if (probe?.error) children.push({ kind: 'problem', text: probe.error });
  for (const p of item.node.platforms) {
    const told = say(p);
    const support =
      !probe || !probe.reachable
        ? 'configured'
        : told === 'native'
          ? 'native'
          : `configured, but ${told ?? 'not'} native on the node`;
    children.push({ kind: 'buildNodePlatform', platform: p, support });
  }
  for (const p of native)
    if (!item.node.platforms.includes(p))
      children.push({ kind: 'buildNodePlatform', platform: p, support: 'native (not configured)' });
  for (const p of emulated)
    if (!item.node.platforms.includes(p))
      children.push({ kind: 'buildNodePlatform', platform: p, support: 'emulated' });
  return children;
}

export function buildNodePlatformItem(platform: string, support: string): vscode.TreeItem {
  const t = new vscode.TreeItem(platform, vscode.TreeItemCollapsibleState.None);
  t.description = support;
  t.iconPath = new vscode.ThemeIcon(
    support.startsWith('native')
      ? 'chip'
      : support === 'emulated'
        ? 'debug-alt'
        : support === 'configured'
          ? 'circle-large-outline'
          : 'warning',
  );
  t.contextValue = `multiarch:nodePlatform`;
  return t;
}
