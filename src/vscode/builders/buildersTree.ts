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
import {
  availabilityItem,
  builderItem,
  buildxNodeItem,
  engineItem,
  localItem,
  nodePlatformItem,
  nodesSectionItem,
  problemItem,
} from './builderItems';
import { NodeProbes } from './nodeProbes';
import type { NodeProbe } from '../../core/nodes/types';
import type { EngineService } from '../engine/engineService';
import type { ConfigModel } from '../model/configModel';
import { programsFromEnv } from '../../core/engines/programs';
import type { SupportSnapshot } from '../../core/engines/platformSupport';

/** A row of the Builders view. */
export type BuildersRow =
  | { kind: 'engine' }
  | { kind: 'problem'; text: string }
  | { kind: 'builder'; builder: BuildxBuilder }
  | { kind: 'buildxNode'; node: BuildxNode }
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
export class BuildersTreeProvider extends Disposable implements vscode.TreeDataProvider<BuildersRow> {
  private readonly changed = this.register(new vscode.EventEmitter<BuildersRow | undefined>());
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
    return buildNodeItems(
      this.model.configs.map((c) => c.config),
      this.model.machineNodes,
    );
  }

  /** Platforms the workspace's configs build, so the view answers "can I build my matrix here?". */
  wantedPlatforms(): string[] {
    return [...new Set(this.model.configs.flatMap((c) => c.config.variants.flatMap((v) => v.platforms)))];
  }

  support(): Promise<SupportSnapshot> {
    // The buildx and emulation probes (and their output parsers) load with the view's first expansion.
    this.snapshot ??= Promise.all([this.engines.choose(), import('../../core/engines/platformSupport')]).then(
      ([c, { platformSupport }]) =>
        platformSupport(c.ok ? c.engine.kind : undefined, this.wantedPlatforms(), {
          programs: programsFromEnv(process.env),
        }),
    );
    return this.snapshot;
  }

  async getChildren(row?: BuildersRow): Promise<BuildersRow[]> {
    if (!row) {
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
    switch (row.kind) {
      case 'nodesSection':
        return [{ kind: 'local', host: (await this.support()).host }, ...this.buildNodes()];
      case 'buildNode':
        return buildNodeChildren(row, this.probeOf(row));
      case 'builder':
        return row.builder.nodes.map((node) => ({ kind: 'buildxNode', node }));
      case 'buildxNode': {
        const { nodePlatformSupport } = await import('../../core/engines/buildxOutput');
        return Object.entries(nodePlatformSupport(row.node)).map(([platform, support]) => ({
          kind: 'nodePlatform',
          platform,
          support,
        }));
      }
      case 'local':
        return (await this.support()).availability.map((availability) => ({ kind: 'availability', availability }));
      default:
        return [];
    }
  }

  getTreeItem(row: BuildersRow): vscode.TreeItem {
    switch (row.kind) {
      case 'engine':
        return engineItem(this.engines.current, this.engines.setting === 'auto');
      case 'problem':
        return problemItem(row.text);
      case 'builder':
        return builderItem(row.builder);
      case 'buildxNode':
        return buildxNodeItem(row.node);
      case 'nodePlatform':
        return nodePlatformItem(row.platform, row.support);
      case 'nodesSection':
        return nodesSectionItem();
      case 'buildNode':
        return buildNodeItem(row, this.probeOf(row));
      case 'buildNodePlatform':
        return buildNodePlatformItem(row.platform, row.support);
      case 'local':
        return localItem(row.host, this.engines.current);
      case 'availability':
        return availabilityItem(row.availability);
    }
  }
}
