// Reads what the Build Timeline shows and says when it may have changed: a build run in this window
// ended (its records are stored by then), or results.json changed (the CLI, another window).
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { timelineModel, type TimelineVariant, type VariantDockerfile } from '../../core/report/timelineModel';
import { ResultsStore } from '../../core/results/store';
import { Disposable } from '../disposable';
import type { Log } from '../log';
import type { ConfigModel } from '../model/configModel';
import { watchRecordedBuilds } from '../model/recordedBuilds';
import { findProjects } from '../model/projects';
import type { TimelineState } from '../../shared/timelineProtocol';
import { messageOf } from '../../core/errors';

const DEBOUNCE_MS = 250;

export class TimelineSource extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Fires (debounced) when the recorded builds may have changed. */
  readonly onDidChange = this.changed.event;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly model: ConfigModel,
    /**
     * The build service's end-of-run event. Not the cell-state event the tree redraws on: that one fires as
     * each cell finishes, before the run's records are appended to results.json, so a read then would
     * show the previous build.
     */
    onDidFinishBuild: vscode.Event<unknown>,
    private readonly log: Log,
  ) {
    super();
    const poke = (): void => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.changed.fire(), DEBOUNCE_MS);
    };
    this.register(watchRecordedBuilds(onDidFinishBuild, poke));
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(poke));
    this.register({ dispose: () => clearTimeout(this.timer) });
  }

  async read(focus?: TimelineState['focus']): Promise<TimelineState> {
    const updatedAt = new Date().toISOString();
    try {
      const projects = await findProjects(this.model);
      const variants: TimelineVariant[] = [];
      for (const { config } of projects) {
        const records = Object.values((await ResultsStore.forRoot(config.root).read()).cells).flat();
        const dockerfiles = new Map<string, VariantDockerfile>();
        for (const v of config.variants) {
          const text = await readFile(v.dockerfile, 'utf8').catch((err: unknown) => {
            this.log.warn(`timeline: ${v.dockerfile}: ${messageOf(err)} (its steps cannot be opened)`);
            return undefined;
          });
          dockerfiles.set(v.name, { path: v.dockerfile, ...(text !== undefined ? { text } : {}) });
        }
        variants.push(
          ...timelineModel(
            records,
            dockerfiles,
            config.variants.map((v) => v.name),
          ),
        );
      }
      const configured = [...new Set(projects.flatMap((p) => p.config.variants.map((v) => v.name)))];
      this.log.info(
        `timeline: ${variants.reduce((n, v) => n + v.cells.length, 0)} timed cell(s) in ${projects.length} project(s)`,
      );
      return { variants, configured, updatedAt, ...(focus ? { focus } : {}) };
    } catch (err) {
      const message = messageOf(err);
      this.log.error(`timeline: ${message}`);
      return { variants: [], configured: [], updatedAt, error: message };
    }
  }
}
