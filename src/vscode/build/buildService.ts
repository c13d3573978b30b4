import { isAbsolute, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { BuildRunner, RunSummary } from '../../core/build/runner';
import type { ResolvedConfig } from '../../core/config/types';
import type { PreparedBuild } from '../../core/build/prepare';
import type { CellLocks } from '../../core/build/cellLocks';
import { jobCells, type Cell } from '../../core/jobs';
import { Disposable } from '../disposable';
import { untrustedError } from '../trust';
import type { EngineService } from '../engine/engineService';
import type { Log } from '../log';
import { explicitOutput, skipUpToDate } from '../settings';
import type { ConfigModel } from '../model/configModel';
import { isMultiArchDefinition, outputOf, taskLabel, taskType, type MultiArchTaskDefinition } from './taskDefinition';
import type { TerminalRun } from './buildTerminal';
import type { CellStates } from '../model/cellStates';
import { fromPrepareError, showUserError, UserError } from './userError';
import { confirmOutsideProject } from './outsideProject';
import { messageOf } from '../../core/errors';

/** What a build runs: the build commands and tasks.json tasks refuse it in Restricted Mode with this. */
export const buildTrust = "Building runs container engines with this workspace's configuration";

interface Running {
  execution: vscode.TaskExecution;
  cells: Cell[];
  /** Settles when the engine processes are gone, which is after the task itself reports its end. */
  finished: Promise<void>;
}

/** Turns build requests into `multiarch` tasks and tracks the ones running. */
export class BuildService extends Disposable {
  private readonly running = new Set<Running>();
  private readonly finished = this.register(new vscode.EventEmitter<RunSummary | undefined>());
  /** Fires when a build run ends (undefined summary when it never started). */
  readonly onDidFinish = this.finished.event;
  private readonly starting = this.register(new vscode.EventEmitter<void>());
  /** Fires when a build passed its checks and is about to run (the Builders view redraws). */
  readonly onDidStart = this.starting.event;

  private readonly model: ConfigModel;
  private readonly engines: EngineService;
  private readonly cells: CellStates;
  /** The current runner (made with the first build): settings changes replace it, sharing the per-cell locks. */
  private readonly runner: () => Promise<BuildRunner>;
  private readonly locks: CellLocks;
  private readonly log: Log;

  constructor(deps: {
    model: ConfigModel;
    engines: EngineService;
    cells: CellStates;
    locks: CellLocks;
    runner: () => Promise<BuildRunner>;
    log: Log;
  }) {
    super();
    ({
      model: this.model,
      engines: this.engines,
      cells: this.cells,
      locks: this.locks,
      runner: this.runner,
      log: this.log,
    } = deps);
  }

  get isBuilding(): boolean {
    return this.running.size > 0;
  }

  /** The task for a definition: used by the TaskProvider and by every build command. */
  createTask(
    definition: MultiArchTaskDefinition,
    folder: vscode.WorkspaceFolder,
    { prepared, onDone }: { prepared?: TerminalRun; onDone?: () => void } = {},
  ): vscode.Task {
    const execution = new vscode.CustomExecution(async () => {
      try {
        const run = prepared ?? (await this.prepare(definition, folder, true));
        const [{ BuildTerminal }, runner] = await Promise.all([import('./buildTerminal'), this.runner()]);
        return new BuildTerminal(run, { runner, cells: this.cells, log: this.log }, (s) => {
          this.finished.fire(s);
          onDone?.();
        });
      } catch (err) {
        onDone?.();
        return errorTerminal(messageOf(err));
      }
    });
    const task = new vscode.Task(definition, folder, taskLabel(definition), 'multiarch', execution, ['$multiarch']);
    task.group = vscode.TaskGroup.Build;
    task.presentationOptions = {
      reveal: vscode.TaskRevealKind.Always,
      panel: vscode.TaskPanelKind.Dedicated,
      clear: true,
    };
    return task;
  }

  /** Build from a command: errors become toasts with a next step; busy cells ask to cancel or queue. */
  async build(
    definition: MultiArchTaskDefinition,
    folder: vscode.WorkspaceFolder,
  ): Promise<vscode.TaskExecution | undefined> {
    let run: TerminalRun;
    try {
      run = await this.prepare(definition, folder, false);
    } catch (err) {
      if (err instanceof UserError) {
        await showUserError(this.log, err);
        return undefined;
      }
      throw err;
    }
    const cells = run.plan.jobs.flatMap(jobCells);
    const busy = cells.filter((c) => this.cells.isBusy(c) || this.locks.busy([c]).length);
    if (busy.length) {
      const names = busy.map((c) => `${c.variant} on ${c.platform}`).join(', ');
      const choice = await vscode.window.showWarningMessage(
        `Already building ${names}.`,
        { modal: true, detail: 'Cancel the running builds and start this one, or queue it to start when they finish.' },
        'Cancel Running and Build',
        'Queue',
      );
      if (!choice) return undefined;
      if (choice === 'Queue') run.waitForBusy = true;
      else await this.cancel(busy);
      run.waitForBusy = true; // terminating is asynchronous: wait for the locks to be released
    }
    for (const c of cells) this.cells.update(c, { status: 'queued' });
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const execution = await vscode.tasks.executeTask(
      this.createTask(definition, folder, { prepared: run, onDone: done }),
    );
    const entry: Running = { execution, cells, finished };
    this.running.add(entry);
    void finished.then(() => this.running.delete(entry));
    return execution;
  }

  /** Terminates running builds (all, or those touching `cells`) and waits until their tasks end. */
  async cancel(cells?: Cell[]): Promise<number> {
    const touches = (r: Running) =>
      !cells || r.cells.some((c) => cells.some((x) => x.variant === c.variant && x.platform === c.platform));
    const targets = [...this.running].filter(touches);
    // Builds started from tasks.json are not in `running`: terminate every multiarch task when cancelling all.
    const executions = new Set(targets.map((t) => t.execution));
    if (!cells) for (const e of vscode.tasks.taskExecutions) if (e.task.definition.type === taskType) executions.add(e);
    const ended = [...executions].map(
      (execution) =>
        new Promise<void>((resolve) => {
          const sub = vscode.tasks.onDidEndTask((e) => {
            if (e.execution === execution) {
              sub.dispose();
              resolve();
            }
          });
        }),
    );
    for (const e of executions) e.terminate();
    await Promise.all([...ended, ...targets.map((t) => t.finished)]);
    return executions.size;
  }

  /** Everything a build needs, checked up front so problems surface within a couple of seconds. */
  private async prepare(
    definition: MultiArchTaskDefinition,
    folder: vscode.WorkspaceFolder,
    fromTask: boolean,
  ): Promise<TerminalRun> {
    if (!isMultiArchDefinition(definition))
      throw new UserError('A multiarch task needs a "variant" (a variant name or "all").');
    if (!vscode.workspace.isTrusted) throw untrustedError(buildTrust);
    const config = await this.configFor(definition, folder);
    const allowOutside = await confirmOutsideProject(config);
    if (!allowOutside)
      throw new UserError(
        'Build cancelled: the config uses a context or Dockerfile outside the project. Move it into the project, or build again and allow it.',
        [{ title: 'Open Config', command: 'multiarch.config.open' }],
      );
    let prepared: PreparedBuild;
    const { prepareBuild, PrepareError } = await import('../../core/build/prepare');
    try {
      prepared = await prepareBuild(config, {
        allowOutside,
        mode: 'build',
        engine: this.engines.setting,
        choose: () => this.engines.choose(),
        env: process.env,
        variants: definition.variant === 'all' ? [] : [definition.variant],
        platforms: definition.platforms,
        output: outputOf(definition, explicitOutput(folder) ?? config.output),
      });
    } catch (err) {
      if (err instanceof PrepareError) throw fromPrepareError(err);
      throw err;
    }
    const { plan, engine, builder } = prepared;
    this.starting.fire();
    this.log.info(`${fromTask ? 'task' : 'build'}: ${plan.jobs.length} job(s) with ${engine.kind} (${engine.reason})`);
    return {
      plan,
      config,
      waitForBusy: fromTask,
      rebuild: !skipUpToDate(folder),
      engineVersion: engine.version,
      builder,
    };
  }

  private async configFor(
    definition: MultiArchTaskDefinition,
    folder: vscode.WorkspaceFolder,
  ): Promise<ResolvedConfig> {
    if (definition.config) {
      const { loadConfig } = await import('../../core/config/loadConfig');
      const file = isAbsolute(definition.config) ? definition.config : resolve(folder.uri.fsPath, definition.config);
      const r = await loadConfig(file);
      if (!r.ok) {
        const p = r.problems[0]!;
        throw new UserError(`${p.file}:${p.line}:${p.column}: ${p.message}. Fix the config, then build again.`);
      }
      return r.config;
    }
    await this.model.reload();
    const config = this.model.configFor(folder.uri);
    if (config) return config;
    throw new UserError(
      'multiarch.yaml has errors (see the Variants view) or the folder has no Dockerfile. Fix it, then build again.',
      [{ title: 'Open Config', command: 'multiarch.config.open' }],
    );
  }
}

function errorTerminal(message: string): vscode.Pseudoterminal {
  const write = new vscode.EventEmitter<string>();
  const close = new vscode.EventEmitter<number>();
  return {
    onDidWrite: write.event,
    onDidClose: close.event,
    open: () => {
      write.fire(`\x1b[31m${message.replace(/\n/g, '\r\n')}\x1b[0m\r\n`);
      close.fire(1);
    },
    close: () => undefined,
  };
}
