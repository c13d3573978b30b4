// Every command of the extension, registered in one place: the table below names a factory per command id,
// and command() wraps each (trust check, errors to the log and a toast). A unit test keeps the table equal
// to package.json's contributes.commands.
import type * as vscode from 'vscode';
import { command, type CommandContext, type CommandFactory, type LazyCommand } from './command';

// Each feature's commands module, imported on the first run of one of its commands: activation loads none of
// them (nor the core modules and libraries they use), so it stays short (bench/README.md, activation.ts).
const buildCommands = () => import('./build/buildCommands');
const brokenImage = () => import('./build/removeBrokenImage');
const builderCommands = () => import('./builders/builderCommands');
const nodeCommands = () => import('./builders/nodeCommands');
const ciCommands = () => import('./ci/ciCommands');
const configCommands = () => import('./config/configCommands');
const lintCommands = () => import('./lint/lintCommands');
const planCommands = () => import('./plan/planCommands');
const reportCommands = () => import('./report/reportCommands');
const sizesCommands = () => import('./sizes/sizesCommands');
const timelineCommands = () => import('./timeline/timelineCommands');
const treeCommands = () => import('./tree/treeCommands');
const verifyCommands = () => import('./verify/verifyCommands');

/** The factory `name` of the module `load` imports, loaded when the command first runs. */
function later<M extends Record<K, CommandFactory>, K extends keyof M & string>(
  load: () => Promise<M>,
  name: K,
): LazyCommand {
  return { load: async () => (await load())[name] };
}

/** Command id → its factory (loaded on first run), in the order of package.json's contributes.commands. */
export function createCommands(): Record<string, LazyCommand> {
  return {
    'multiarch.refresh': later(treeCommands, 'refreshVariants'),
    'multiarch.config.open': later(configCommands, 'openConfig'),
    'multiarch.config.create': later(configCommands, 'createConfig'),
    'multiarch.plan.show': later(planCommands, 'showPlan'),
    'multiarch.build.all': later(buildCommands, 'buildAll'),
    'multiarch.build.variant': later(buildCommands, 'buildVariant'),
    'multiarch.build.push': later(buildCommands, 'pushVariant'),
    'multiarch.build.platform': later(buildCommands, 'buildPlatform'),
    'multiarch.build.cancel': later(buildCommands, 'cancelBuilds'),
    'multiarch.build.removeBrokenImage': later(brokenImage, 'removeBrokenImageCommand'),
    'multiarch.build.showLog': later(buildCommands, 'showBuildLog'),
    'multiarch.engine.select': later(builderCommands, 'selectEngine'),
    'multiarch.builder.select': later(builderCommands, 'selectBuilder'),
    'multiarch.builder.create': later(builderCommands, 'createBuilder'),
    'multiarch.builder.addNode': later(builderCommands, 'addRemoteNode'),
    'multiarch.builders.refresh': later(builderCommands, 'refreshBuilders'),
    'multiarch.nodes.add': later(nodeCommands, 'addBuildNode'),
    'multiarch.nodes.remove': later(nodeCommands, 'removeBuildNode'),
    'multiarch.nodes.test': later(nodeCommands, 'testConnection'),
    'multiarch.emulation.install': later(builderCommands, 'installEmulators'),
    'multiarch.sizes.show': later(sizesCommands, 'showSizes'),
    'multiarch.timeline.show': later(timelineCommands, 'showTimeline'),
    'multiarch.timeline.openStep': later(timelineCommands, 'openTimelineStep'),
    'multiarch.verify.run': later(verifyCommands, 'verifyArchitectures'),
    'multiarch.report.export': later(reportCommands, 'exportReport'),
    'multiarch.sizes.compare': later(sizesCommands, 'compareArchitectures'),
    'multiarch.ci.exportWorkflow': later(ciCommands, 'exportWorkflow'),
    'multiarch.lint.fixAll': later(lintCommands, 'fixAllDockerfileProblems'),
  };
}

/** Registers every command of the table; each registration goes to the extension's subscriptions. */
export function registerCommands(ctx: CommandContext): void {
  const registrations: vscode.Disposable[] = Object.entries(createCommands()).map(([id, factory]) =>
    command(ctx, id, factory),
  );
  ctx.extension.subscriptions.push(...registrations);
}
