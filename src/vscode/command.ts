// The one way a command is registered: a named factory from the table in commands.ts, wrapped by command().
import * as vscode from 'vscode';
import { messageOf } from '../core/errors';
import type { BuildService } from './build/buildService';
import type { BuildersTreeProvider } from './builders/buildersTree';
import type { EngineService } from './engine/engineService';
import type { LintService } from './lint/lintService';
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
  lint: LintService;
}

// Command arguments come from menus, keybindings and executeCommand callers: each handler checks its own.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandHandler = (...args: any[]) => unknown;

/** A command as the table names it (rust-analyzer's `CommandFactory`, vscode-go's `createRegisterCommand`). */
export interface CommandFactory {
  /** Makes the handler once, at activation. */
  create(ctx: CommandContext): CommandHandler;
  /**
   * Set when the command runs tools with this workspace's configuration: what it runs, as the start of the
   * sentence shown in Restricted Mode ("Managing builders runs docker commands").
   */
  trust?: string;
  /** The next step appended to an unexpected failure's toast ("Check that the engine is running."). */
  onFailure?: string;
}

/**
 * Registers one command: refused in Restricted Mode when it needs trust; anything it throws goes to the log
 * and to a toast with "Show Log" (titled with the command's name from package.json), and the command
 * resolves with undefined.
 */
export function command(ctx: CommandContext, id: string, factory: CommandFactory): vscode.Disposable {
  const handler = factory.create(ctx);
  const title = titleOf(ctx.extension, id);
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    ctx.log.trace(`command ${id}`);
    if (factory.trust && !requireTrust(ctx.log, factory.trust)) return undefined;
    try {
      return await handler(...args);
    } catch (err) {
      const next = factory.onFailure ? ` ${factory.onFailure}` : '';
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
