// The build facts of open Dockerfiles: which variants build a file (every Dockerfile a variant of a
// workspace config uses), their recorded builds, and the per-line model of core/report/lineFacts.
import * as vscode from 'vscode';
import { messageOf } from '../../core/errors';
import { dockerfileFacts, type LineFact } from '../../core/report/lineFacts';
import type { BuildRecord } from '../../core/results/types';
import { ResultsStore } from '../../core/results/store';
import { Disposable } from '../disposable';
import type { Log } from '../log';
import type { ConfigModel } from '../model/configModel';
import { watchRecordedBuilds } from '../model/recordedBuilds';

const DEBOUNCE_MS = 250;

interface Computed {
  version: number;
  generation: number;
  facts: LineFact[];
}

export class BuildFactsSource extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Fires (debounced) when recorded builds or the configs changed: every view asks again. */
  readonly onDidChange = this.changed.event;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped on every change, so cached facts of an unchanged document are still dropped. */
  private generation = 0;
  private readonly records = new Map<string, Promise<BuildRecord[]>>();
  private readonly computed = new Map<string, Computed>();

  constructor(
    private readonly model: ConfigModel,
    /** The build service's end-of-run event: fired after the run's records are stored. */
    onDidFinishBuild: vscode.Event<unknown>,
    private readonly log: Log,
  ) {
    super();
    const poke = (): void => {
      this.generation++;
      this.records.clear();
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.changed.fire(), DEBOUNCE_MS);
    };
    this.register(watchRecordedBuilds(onDidFinishBuild, poke));
    this.register(model.onDidChange(poke));
    this.register(vscode.workspace.onDidCloseTextDocument((d) => this.computed.delete(d.uri.toString())));
    this.register({ dispose: () => clearTimeout(this.timer) });
  }

  /** The facts of each line of `document`; empty when no variant builds it or none was built. */
  async facts(document: vscode.TextDocument): Promise<LineFact[]> {
    if (document.uri.scheme !== 'file') return [];
    const key = document.uri.toString();
    const seen = this.computed.get(key);
    if (seen && seen.version === document.version && seen.generation === this.generation) return seen.facts;
    const generation = this.generation;
    const facts: LineFact[] = [];
    for (const { config } of this.model.configs) {
      const variants = config.variants.filter((v) => v.dockerfile === document.uri.fsPath).map((v) => v.name);
      if (!variants.length) continue;
      const records = await this.recordsOf(config.root);
      facts.push(...dockerfileFacts(document.getText(), variants, records));
    }
    if (generation === this.generation) this.computed.set(key, { version: document.version, generation, facts });
    return facts;
  }

  /** The facts of one line, for a hover or a code action. */
  async factAt(document: vscode.TextDocument, line: number): Promise<LineFact | undefined> {
    return (await this.facts(document)).find((f) => f.line === line);
  }

  private recordsOf(root: string): Promise<BuildRecord[]> {
    let r = this.records.get(root);
    if (!r) {
      r = ResultsStore.forRoot(root)
        .records()
        .catch((err: unknown) => {
          this.log.warn(`build facts: ${messageOf(err)}`);
          return [];
        });
      this.records.set(root, r);
    }
    return r;
  }
}
