import * as vscode from 'vscode';
import type { BuildxBuilder, BuildxNode } from '../../core/engines/buildxOutput';
import type { Availability } from '../../core/engines/emulation';
import { Disposable } from '../disposable';
import {
  buildNodeChildren,
  buildNodeItem,
  buildNodeItems,
  buildNodePlatformItem,
  type BuildNodeItem,
} from './buildNodeItems';
import { NodeProbes } from './nodeProbes';
import type { NodeProbe } from '../../core/nodes/types';
import type { EngineService } from '../engine/engineService';
import type { ConfigModel } from '../model/configModel';
import { nodePlatformSupport } from '../../core/engines/buildxOutput';
import { programsFromEnv } from '../../core/engines/detect';
import { platformSupport, type SupportSnapshot } from '../../core/engines/platformSupport';

export type BuilderNode =
  | { kind: 'engine' }
  | { kind: 'problem'; text: string }
  | { kind: 'builder'; builder: BuildxBuilder }
  | { kind: 'node'; node: BuildxNode }
  | { kind: 'nodePlatform'; platform: string; support: 'native' | 'emulated' }
  | { kind: 'nodesSection' }
  | { kind: 'local'; host: string }
  | { kind: 'availability'; availability: Availability }
  | BuildNodeItem
  | { kind: 'buildNodePlatform'; platform: string; support: string };

/**
 * Engine in use, buildx builders → nodes → platforms, and the build nodes: this machine (native/emulated
 * platforms) plus each node of multiarch.yaml and the `multiarch.nodes` setting, with what it answered.
 */
export class BuildersTreeProvider extends Disposable implements vscode.TreeDataProvider<BuilderNode> {
  private readonly changed = this.register(new vscode.EventEmitter<BuilderNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private snapshot: Promise<SupportSnapshot> | undefined;

  readonly probes = this.register(new NodeProbes());

  constructor(
    private readonly engines: EngineService,
    private readonly model: ConfigModel,
  ) {
    super();
    this.register(engines.onDidChange(() => this.refresh()));
    this.register(model.onDidChange(() => this.changed.fire(undefined)));
    this.register(this.probes.onDidChange(() => this.changed.fire(undefined)));
  }

  /** Refresh Builders: detect again and ask every node again. */
  refresh(): void {
    this.snapshot = undefined;
    this.probes.clear();
    this.changed.fire(undefined);
  }

  /** A project's node is asked only in a trusted workspace: its endpoint (an ssh:// host…) comes from the workspace. */
  probeOf(item: BuildNodeItem): NodeProbe | 'restricted' | undefined {
    if (item.node.source === 'config' && !vscode.workspace.isTrusted) return 'restricted';
    return this.probes.get(item.node);
  }

  /** Every build node the workspace knows, each once (a project's first, then the setting's). */
  buildNodes(): BuildNodeItem[] {
    return buildNodeItems(this.model.configs.map((c) => c.config));
  }

  /** Platforms the workspace's configs build, so the view answers "can I build my matrix here?". */
  wantedPlatforms(): string[] {
    return [...new Set(this.model.configs.flatMap((c) => c.config.variants.flatMap((v) => v.platforms)))];
  }

  support(): Promise<SupportSnapshot> {
    this.snapshot ??= this.engines.choose().then((c) =>
      platformSupport(c.ok ? c.engine.kind : undefined, this.wantedPlatforms(), {
        programs: programsFromEnv(process.env),
      }),
    );
    return this.snapshot;
  }

  async getChildren(node?: BuilderNode): Promise<BuilderNode[]> {
    if (!node) {
      const choice = await this.engines.choose();
      if (!choice.ok) return [{ kind: 'engine' }, { kind: 'problem', text: choice.message }];
      const s = await this.support();
      if (s.builders)
        return [
          { kind: 'engine' },
          ...s.builders.map((builder) => ({ kind: 'builder' as const, builder })),
          { kind: 'nodesSection' },
        ];
      return [
        { kind: 'engine' },
        ...(s.buildersProblem ? [{ kind: 'problem' as const, text: s.buildersProblem }] : []),
        { kind: 'nodesSection' },
      ];
    }
    switch (node.kind) {
      case 'nodesSection':
        return [{ kind: 'local', host: (await this.support()).host }, ...this.buildNodes()];
      case 'buildNode':
        return buildNodeChildren(node, this.probeOf(node));
      case 'builder':
        return node.builder.nodes.map((n) => ({ kind: 'node', node: n }));
      case 'node':
        return Object.entries(nodePlatformSupport(node.node)).map(([platform, support]) => ({
          kind: 'nodePlatform',
          platform,
          support,
        }));
      case 'local':
        return (await this.support()).availability.map((availability) => ({ kind: 'availability', availability }));
      default:
        return [];
    }
  }

  getTreeItem(node: BuilderNode): vscode.TreeItem {
    const none = vscode.TreeItemCollapsibleState.None;
    const expanded = vscode.TreeItemCollapsibleState.Expanded;
    switch (node.kind) {
      case 'engine': {
        const c = this.engines.current;
        const item = new vscode.TreeItem(
          c?.ok ? `Engine: ${c.engine.kind}${c.engine.version ? ` ${c.engine.version}` : ''}` : 'Engine: none usable',
          none,
        );
        item.description = this.engines.setting === 'auto' ? 'auto' : 'set in settings';
        item.tooltip = c ? (c.ok ? c.engine.reason : c.message) : 'detecting…';
        item.iconPath = new vscode.ThemeIcon(c?.ok ? 'server-process' : 'warning');
        item.contextValue = 'multiarch:engine';
        item.command = { command: 'multiarch.engine.select', title: 'Select Engine' };
        return item;
      }
      case 'problem': {
        const item = new vscode.TreeItem(node.text, none);
        item.tooltip = node.text;
        item.iconPath = new vscode.ThemeIcon('warning');
        item.contextValue = 'multiarch:engineProblem';
        return item;
      }
      case 'builder': {
        const item = new vscode.TreeItem(node.builder.name, expanded);
        item.description = `${node.builder.driver}${node.builder.current ? ' · active' : ''}`;
        item.iconPath = new vscode.ThemeIcon(node.builder.current ? 'pass-filled' : 'server');
        item.contextValue = node.builder.current ? 'multiarch:builder:active' : 'multiarch:builder';
        return item;
      }
      case 'node': {
        const item = new vscode.TreeItem(node.node.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.description = `${node.node.endpoint} · ${node.node.status}`;
        item.iconPath = new vscode.ThemeIcon('vm');
        item.contextValue = 'multiarch:builderNode';
        return item;
      }
      case 'nodePlatform': {
        const item = new vscode.TreeItem(node.platform, none);
        item.description = node.support;
        item.iconPath = new vscode.ThemeIcon(node.support === 'native' ? 'chip' : 'debug-alt');
        item.contextValue = `multiarch:support:${node.support}`;
        return item;
      }
      case 'nodesSection': {
        const item = new vscode.TreeItem('Build nodes', expanded);
        item.id = 'multiarch:nodesSection';
        item.tooltip =
          'Each cell builds on a node that runs its platform natively, else here (local). Nodes come from multiarch.yaml (nodes:) and the multiarch.nodes setting.';
        item.iconPath = new vscode.ThemeIcon('server-environment');
        item.contextValue = 'multiarch:nodesSection';
        return item;
      }
      case 'buildNode':
        return buildNodeItem(node, this.probeOf(node));
      case 'buildNodePlatform':
        return buildNodePlatformItem(node.platform, node.support);
      case 'local': {
        const item = new vscode.TreeItem('local', expanded);
        item.id = 'multiarch:node:local';
        const c = this.engines.current;
        item.description = `this machine (${node.host})${c?.ok ? ` · ${c.engine.kind}${c.engine.version ? ` ${c.engine.version}` : ''}` : ''}`;
        item.tooltip = 'This machine: builds every platform no node takes, natively or under QEMU.';
        item.iconPath = new vscode.ThemeIcon('device-desktop');
        item.contextValue = 'multiarch:localEngine';
        return item;
      }
      case 'availability': {
        const a = node.availability;
        const item = new vscode.TreeItem(a.platform, none);
        item.description = a.state === 'emulated' ? `emulated (${a.handler})` : a.state;
        item.tooltip =
          a.state === 'unavailable'
            ? `Cannot build ${a.platform} here: ${a.fix}`
            : `${a.platform}: ${item.description}`;
        item.iconPath = new vscode.ThemeIcon(
          a.state === 'native' ? 'chip' : a.state === 'emulated' ? 'debug-alt' : 'error',
        );
        item.contextValue = `multiarch:support:${a.state}`;
        return item;
      }
    }
  }
}
