import * as vscode from 'vscode';
import { configFileGlob, dockerfileGlob } from '../../core/config/fileNames';
import type { WorkspaceConfig } from '../../core/config/discover';
import type { ResolvedConfig } from '../../core/config/types';
import type { BuildNode } from '../../core/nodes/types';
import { Disposable } from '../disposable';
import type { Log } from '../log';
import { defaultPlatforms, machineNodes, nodesSettingOrigin } from '../settings';

export interface FolderConfig {
  folder: vscode.WorkspaceFolder;
  config: WorkspaceConfig;
}

const watchedFiles = `**/{${configFileGlob},${dockerfileGlob}}`;
const debounceMs = 300;

/** The matrix config of every workspace folder, reloaded (debounced) when a config file or Dockerfile changes. */
export class ConfigModel extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private state: FolderConfig[] = [];
  private nodes: BuildNode[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private loading: Promise<void> | undefined;
  private loaded = false;

  constructor(private readonly log: Log) {
    super();
    const watcher = this.register(vscode.workspace.createFileSystemWatcher(watchedFiles));
    this.register(watcher.onDidCreate(() => this.scheduleReload()));
    this.register(watcher.onDidChange(() => this.scheduleReload()));
    this.register(watcher.onDidDelete(() => this.scheduleReload()));
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.scheduleReload()));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('multiarch.defaultPlatforms') || e.affectsConfiguration('multiarch.nodes'))
          this.scheduleReload();
      }),
    );
    this.register({ dispose: () => clearTimeout(this.timer) });
  }

  get folders(): readonly FolderConfig[] {
    return this.state;
  }

  /** The valid nodes of the `multiarch.nodes` setting, as of the last load. */
  get machineNodes(): readonly BuildNode[] {
    return this.nodes;
  }

  /** Valid configs, in folder order. */
  get configs(): { folder: vscode.WorkspaceFolder; config: ResolvedConfig }[] {
    return this.state.flatMap((f) =>
      f.config.kind !== 'none' && f.config.result.ok ? [{ folder: f.folder, config: f.config.result.config }] : [],
    );
  }

  /** The first folder's valid config, or the one containing `uri`. */
  configFor(uri?: vscode.Uri): ResolvedConfig | undefined {
    const folder = uri ? vscode.workspace.getWorkspaceFolder(uri) : undefined;
    return (folder ? this.configs.find((c) => c.folder.uri.toString() === folder.uri.toString()) : this.configs[0])
      ?.config;
  }

  scheduleReload(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reload(), debounceMs);
  }

  /** The Refresh command: reload and notify listeners even when nothing changed on disk. */
  async refresh(): Promise<void> {
    await this.reload();
    this.changed.fire();
  }

  /** Reloads now; concurrent callers share one load. */
  reload(): Promise<void> {
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    // The config reader (yaml, the schema's validator) loads with the first load, after activation.
    const [{ workspaceConfig }, nodes] = await Promise.all([
      import('../../core/config/discover'),
      machineNodes(this.log),
    ]);
    const options = { machineNodes: nodes, machineNodesOrigin: nodesSettingOrigin };
    const next = await Promise.all(
      // The setting is per folder (resource scope): each folder's own value.
      folders.map(async (folder) => ({
        folder,
        config: await workspaceConfig(folder.uri.fsPath, defaultPlatforms(folder), options),
      })),
    );
    // Commands reload before they act; only a real change should refresh the views that listen.
    const fingerprint = (state: FolderConfig[], machine: readonly BuildNode[]) =>
      JSON.stringify([state.map((f) => [f.folder.uri.toString(), f.config]), machine]);
    if (this.loaded && fingerprint(next, nodes) === fingerprint(this.state, this.nodes)) return;
    this.nodes = nodes;
    this.loaded = true;
    this.state = next;
    for (const f of this.state) {
      if (f.config.kind === 'none') continue;
      const where = f.config.kind === 'file' ? f.config.file : `${f.config.dockerfile} (no multiarch.yaml)`;
      if (f.config.result.ok) {
        this.log.info(`config ${where}: ${f.config.result.config.variants.length} variant(s)`);
        for (const w of f.config.result.config.warnings ?? []) this.log.warn(`config ${where}: ${w}`);
      } else for (const p of f.config.result.problems) this.log.warn(`${p.file}:${p.line}:${p.column}: ${p.message}`);
    }
    const any = (pred: (c: WorkspaceConfig) => boolean) => this.state.some((f) => pred(f.config));
    await vscode.commands.executeCommand(
      'setContext',
      'multiarch.hasProject',
      any((c) => c.kind !== 'none'),
    );
    await vscode.commands.executeCommand(
      'setContext',
      'multiarch.hasConfigFile',
      any((c) => c.kind === 'file'),
    );
    this.changed.fire();
  }
}
