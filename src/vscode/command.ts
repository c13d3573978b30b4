// The one way a command is registered: a named factory from the table in commands.ts, wrapped by command().
import * as vscode from 'vscode';
import { messageOf } from '../core/errors';
import type { BuildService } from './build/buildService';
import type { BuildersTreeProvider } from './builders/buildersTree';
import type { EngineService } from './engine/engineService';
import type { LintLoader } from './lint/registerLint';
import { showError, type Log } from './log';
import type { CellStates } from './model/cellStates';
import type { ConfigModel } from './model/configModel';
import type { PlanDocuments } from './plan/registerPlan';
import type { SizesPanels } from './sizes/registerSizes';
import type { TimelinePanels } from './timeline/registerTimeline';
import { requireTrust } from './trust';

/** What every command factory gets: the services activate() made, nothing else. */
export interface CommandContext {
  extension: vscode.ExtensionContext;
  log: Log;
  model: ConfigModel;
  engines: EngineService;
  cells: CellStates;
  builds: BuildService;
  builders: BuildersTreeProvider;
  plans: PlanDocuments;
  sizes: SizesPanels;
  timeline: TimelinePanels;
  lint: LintLoader;
}

// Command arguments come from menus, keybindings and executeCommand callers: each handler checks its own.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandHandler = (...args: any[]) => unknown;

/** A command as its feature module defines it (rust-analyzer's `CommandFactory`, vscode-go's `createRegisterCommand`). */
export interface CommandFactory {
  /** Makes the handler once, on the command's first run. */
  create(ctx: CommandContext): CommandHandler;
  /**
   * Set when the command runs tools with this workspace's configuration: what it runs, as the start of the
   * sentence shown in Restricted Mode ("Managing builders runs docker commands").
   */
  trust?: string;
  /** The next step appended to an unexpected failure's toast ("Check that the engine is running."). */
  onFailure?: string;
}

/** A command as the table names it: its factory, imported with the feature's module when the command first runs. */
export interface LazyCommand {
  load(): Promise<CommandFactory>;
}

/**
 * Registers one command (its module is loaded on the first run): refused in Restricted Mode when it needs trust; anything it throws goes to the log
 * and to a toast with "Show Log" (titled with the command's name from package.json), and the command
 * resolves with undefined.
 */
export function command(ctx: CommandContext, id: string, lazy: LazyCommand): vscode.Disposable {
  let loaded: Promise<{ factory: CommandFactory; handler: CommandHandler }> | undefined;
  const title = titleOf(ctx.extension, id);
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    ctx.log.trace(`command ${id}`);
    let factory: CommandFactory | undefined;
    try {
      loaded ??= lazy.load().then((f) => ({ factory: f, handler: f.create(ctx) }));
      const command = await loaded;
      factory = command.factory;
      if (factory.trust && !requireTrust(ctx.log, factory.trust)) return undefined;
      return await command.handler(...args);
    } catch (err) {
      const next = factory?.onFailure ? ` ${factory.onFailure}` : '';
      void showError(ctx.log, `${title} failed: ${messageOf(err).replace(/\.\s*$/, '')}.${next}`);
      return undefined;
    }
  });
}

/** The command's title as the palette shows it, read from the manifest so it is written once. */
function titleOf(extension: vscode.ExtensionContext, id: string): string {
  const manifest = extension.extension.packageJSON as {
    contributes?: { commands?: { command: string; title: string }[] };
  };
  return manifest.contributes?.commands?.find((c) => c.command === id)?.title.replace(/…$/, '') ?? id;
}
