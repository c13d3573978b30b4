// Reads the rows the panel shows and says when they may have changed (a build or a verification ended).
import * as vscode from 'vscode';
import { cellId } from '../../core/jobs';
import { compareArchitectures } from '../../core/explain/explainCollect';
import type { ArchComparison } from '../../core/explain/explainSizes';
import { readBuildRecords } from '../../core/sizes/buildRecords';
import { measureSizes } from '../../core/sizes/measureSizes';
import { CorruptStateError, STATE_DIR_NAME } from '../../core/state';
import { checksOf, firstLine, staticLine } from '../../core/verify/types';
import { readVerifyResults } from '../../core/verify/verifyStore';
import { Disposable } from '../disposable';
import { warnUser, type Log } from '../log';
import type { ConfigModel } from '../model/configModel';
import { findProjects } from '../model/projects';
import type { CellVerification, SizesRowView, SizesState } from '../../shared/sizesProtocol';
import { messageOf } from '../../core/errors';

const DEBOUNCE_MS = 250;

export class SizesSource extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Fires (debounced) when a results or verification file changes in any workspace folder. */
  readonly onDidChange = this.changed.event;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly model: ConfigModel,
    private readonly log: Log,
  ) {
    super();
    const watcher = this.register(
      vscode.workspace.createFileSystemWatcher(`**/${STATE_DIR_NAME}/{results,verify}.json`),
    );
    const poke = (): void => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.changed.fire(), DEBOUNCE_MS);
    };
    this.register(watcher.onDidChange(poke));
    this.register(watcher.onDidCreate(poke));
    this.register(watcher.onDidDelete(poke));
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(poke));
    this.register({ dispose: () => clearTimeout(this.timer) });
  }

  async read(focusVariant?: string): Promise<SizesState> {
    const updatedAt = new Date().toISOString();
    try {
      const projects = await findProjects(this.model);
      const rows: SizesRowView[] = [];
      for (const { config } of projects) {
        const [sizes, verified] = await Promise.all([
          measureSizes({ root: config.root, env: process.env, warn: (m) => warnUser(this.log, m) }),
          // Sizes stand on their own: a corrupt verify.json only hides the checks (the next verification keeps it aside).
          readVerifyResults(config.root).catch((err: unknown) => {
            if (!(err instanceof CorruptStateError)) throw err;
            this.log.warn(`sizes: ${err.message}`);
            return [];
          }),
        ]);
        const byCell = new Map(verified.map((v) => [cellId(v), v]));
        for (const s of sizes) {
          const v = byCell.get(cellId(s));
          const verify: CellVerification | undefined = v && {
            status: v.status,
            expected: v.expected,
            ...(v.actual !== undefined ? { actual: v.actual } : {}),
            ...(v.reason !== undefined ? { reason: v.reason } : {}),
            checks: [
              ...(v.static && v.static.status !== 'skipped'
                ? [{ name: 'static', status: v.static.status, line: staticLine(v.static).replace(/^static \S+ /, '') }]
                : []),
              ...checksOf(v).map((c) => ({
                name: c.name,
                status: c.status,
                line: firstLine(c.output),
                ...(c.reason ? { reason: c.reason } : {}),
              })),
            ],
          };
          rows.push(verify ? { ...s, verify } : s);
          if (s.error) this.log.warn(`sizes: ${s.variant} ${s.platform}: ${s.error}`);
        }
      }
      const variants = [...new Set(projects.flatMap((p) => p.config.variants.map((v) => v.name)))];
      this.log.info(`sizes: ${rows.length} built cell(s) in ${projects.length} project(s)`);
      return { rows, variants, updatedAt, ...(focusVariant ? { focusVariant } : {}) };
    } catch (err) {
      const message = messageOf(err);
      this.log.error(`sizes: ${message}`);
      return { rows: [], variants: [], updatedAt, error: message };
    }
  }

  /** Why a variant's architectures differ: its newest builds' layers, streamed from wherever they are. */
  async compare(variant: string): Promise<ArchComparison> {
    const project = (await findProjects(this.model)).find((p) => p.config.variants.some((v) => v.name === variant));
    if (!project) throw new Error(`no project in this workspace has a variant "${variant}"`);
    const { root } = project.config;
    const [result] = await compareArchitectures(await readBuildRecords(root), {
      root,
      env: process.env,
      variants: [variant],
    });
    if (!result) throw new Error(`${variant} has no successful build yet: build it, then compare its architectures`);
    for (const e of result.errors ?? []) this.log.warn(`sizes: compare ${variant} ${e.platform}: ${e.error}`);
    return result;
  }
}
