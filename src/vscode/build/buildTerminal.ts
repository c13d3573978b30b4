import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { BuildRunner, RunSummary } from '../../core/build/runner';
import { BusyError } from '../../core/build/runner';
import { failureLines, summaryTable } from '../../core/build/summary';
import type { ResolvedConfig } from '../../core/config/types';
import { shellQuote } from '../../core/engines/shellQuote';
import { cellId, jobCells, type Cell, type Plan } from '../../core/jobs';
import type { BuildxBuilder } from '../../core/engines/buildxOutput';
import { ResultsStore } from '../../core/results/store';
import { cellLogPath } from '../../core/state';
import type { CellStates } from '../model/cellStates';
import { warnUser, type Log } from '../log';

export interface TerminalRun {
  plan: Plan;
  config: ResolvedConfig;
  engineVersion?: string;
  /** buildx: the builder in use (records say which node built each cell). */
  builder?: BuildxBuilder;
  /** Wait for cells another run is building (the user chose "queue"). */
  waitForBusy: boolean;
  /** Build the jobs that are up to date too (`multiarch.skipUpToDate` off). */
  rebuild?: boolean;
}

const bold = (s: string) => `\x1b[1m${s}\x1b[0m`;
const red = (s: string) => `\x1b[31m${s}\x1b[0m`;
const green = (s: string) => `\x1b[32m${s}\x1b[0m`;
const yellow = (s: string) => `\x1b[33m${s}\x1b[0m`;

/**
 * Runs a plan inside a task's pseudoterminal: engine output streams to the terminal and to one log file per
 * cell, cell states feed the tree, results go to .multiarch/results.json. Closing the terminal, terminating
 * the task or Ctrl+C cancels, killing the engine's whole process tree.
 */
export class BuildTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private readonly abort = new AbortController();
  private readonly logs = new Map<string, WriteStream>();

  private readonly runner: BuildRunner;
  private readonly cells: CellStates;
  private readonly log: Log;

  constructor(
    private readonly run: TerminalRun,
    deps: { runner: BuildRunner; cells: CellStates; log: Log },
    private readonly onFinished: (summary: RunSummary | undefined) => void,
  ) {
    ({ runner: this.runner, cells: this.cells, log: this.log } = deps);
  }

  open(): void {
    void this.start();
  }

  close(): void {
    this.abort.abort();
  }

  handleInput(data: string): void {
    if (data === '\x03') {
      this.write(red('^C cancelling…\n'));
      this.abort.abort();
    }
  }

  private write(text: string): void {
    this.writeEmitter.fire(text.replace(/\r?\n/g, '\r\n'));
  }

  private logFor(cell: Cell): WriteStream {
    const id = cellId(cell);
    let stream = this.logs.get(id);
    if (!stream) {
      const file = cellLogPath(this.run.config.root, id);
      mkdirSync(dirname(file), { recursive: true });
      stream = createWriteStream(file);
      this.logs.set(id, stream);
      this.cells.update(cell, { logUri: vscode.Uri.file(file) });
    }
    return stream;
  }

  private async start(): Promise<void> {
    const { plan, config } = this.run;
    const store = ResultsStore.forRoot(config.root);
    this.write(bold(`Multi-Arch: ${plan.jobs.length} job(s) with ${plan.engine}\n`));
    let summary: RunSummary | undefined;
    try {
      summary = await this.runner.run(plan, {
        signal: this.abort.signal,
        waitForBusy: this.run.waitForBusy,
        rebuild: this.run.rebuild,
        config,
        engineVersion: this.run.engineVersion,
        builder: this.run.builder,
        onCommand: (job, argv) => {
          const line = `$ ${Object.entries(job.env ?? {})
            .map(([k, v]) => `${k}=${shellQuote(v)} `)
            .join('')}${argv.map(shellQuote).join(' ')}\n`;
          this.write(bold(line));
          for (const c of jobCells(job)) this.logFor(c).write(line);
        },
        onOutput: (job, text) => {
          this.write(text);
          for (const c of jobCells(job)) this.logFor(c).write(text);
        },
        onWaiting: (cells, reason) => {
          for (const c of cells) this.cells.update(c, { waiting: reason });
        },
        onStatus: (cell, status, record) => {
          this.cells.update(cell, {
            waiting: undefined,
            status,
            ...(record
              ? {
                  durationMs: record.durationMs,
                  finishedAt: new Date(),
                  detail: record.error ?? record.image ?? record.ociPath ?? '',
                  timing: record.timing,
                  node: record.node,
                }
              : {}),
          });
        },
      });
      await store.append(summary.records, (m) => {
        this.write(yellow(`warning: ${m}\n`));
        warnUser(this.log, m);
      });
      this.write(`\n${bold('Summary')}\n${summaryTable(summary.records, summary.upToDate)}`);
      // Plain, uncoloured `file:line: error: …` lines: the $multiarch problem matcher turns them into diagnostics.
      this.write(failureLines(summary));
      this.write(summary.ok ? green('\nAll builds succeeded.\n') : red('\nBuild failed.\n'));
    } catch (err) {
      const message =
        err instanceof BusyError ? `${err.message}; cancel those builds or queue this one.` : (err as Error).message;
      this.log.error(`build: ${message}`);
      this.write(red(`\n${message}\n`));
    } finally {
      for (const s of this.logs.values()) s.end();
      this.onFinished(summary);
      this.closeEmitter.fire(summary?.ok ? 0 : this.abort.signal.aborted ? 130 : 1);
    }
  }
}
