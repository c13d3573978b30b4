// Every command of the extension, registered in one place: the table below names a factory per command id,
// and command() wraps each (trust check, errors to the log and a toast). A unit test keeps the table equal
// to package.json's contributes.commands.
import type * as vscode from 'vscode';
import { buildAll, buildPlatform, buildVariant, cancelBuilds, pushVariant, showBuildLog } from './build/buildCommands';
import { removeBrokenImageCommand } from './build/removeBrokenImage';
import {
  addRemoteNode,
  createBuilder,
  installEmulators,
  refreshBuilders,
  selectBuilder,
  selectEngine,
} from './builders/builderCommands';
import { addBuildNode, removeBuildNode, testConnection } from './builders/nodeCommands';
import { exportWorkflow } from './ci/ciCommands';
import { command, type CommandContext, type CommandFactory } from './command';
import { createConfig, openConfig } from './config/configCommands';
import { fixAllDockerfileProblems } from './lint/lintCommands';
import { showPlan } from './plan/planCommands';
import { exportReport } from './report/reportCommands';
import { compareArchitectures, showSizes } from './sizes/sizesCommands';
import { openTimelineStep, showTimeline } from './timeline/timelineCommands';
import { refreshVariants } from './tree/treeCommands';
import { verifyArchitectures } from './verify/verifyCommands';

/** Command id → factory, in the order of package.json's contributes.commands. */
export function createCommands(): Record<string, CommandFactory> {
  return {
    'multiarch.refresh': refreshVariants,
    'multiarch.config.open': openConfig,
    'multiarch.config.create': createConfig,
    'multiarch.plan.show': showPlan,
    'multiarch.build.all': buildAll,
    'multiarch.build.variant': buildVariant,
    'multiarch.build.push': pushVariant,
    'multiarch.build.platform': buildPlatform,
    'multiarch.build.cancel': cancelBuilds,
    'multiarch.build.removeBrokenImage': removeBrokenImageCommand,
    'multiarch.build.showLog': showBuildLog,
    'multiarch.engine.select': selectEngine,
    'multiarch.builder.select': selectBuilder,
    'multiarch.builder.create': createBuilder,
    'multiarch.builder.addNode': addRemoteNode,
    'multiarch.builders.refresh': refreshBuilders,
    'multiarch.nodes.add': addBuildNode,
    'multiarch.nodes.remove': removeBuildNode,
    'multiarch.nodes.test': testConnection,
    'multiarch.emulation.install': installEmulators,
    'multiarch.sizes.show': showSizes,
    'multiarch.timeline.show': showTimeline,
    'multiarch.timeline.openStep': openTimelineStep,
    'multiarch.verify.run': verifyArchitectures,
    'multiarch.report.export': exportReport,
    'multiarch.sizes.compare': compareArchitectures,
    'multiarch.ci.exportWorkflow': exportWorkflow,
    'multiarch.lint.fixAll': fixAllDockerfileProblems,
  };
}

/** Registers every command of the table; each registration goes to the extension's subscriptions. */
export function registerCommands(ctx: CommandContext): void {
  const registrations: vscode.Disposable[] = Object.entries(createCommands()).map(([id, factory]) =>
    command(ctx, id, factory),
  );
  ctx.extension.subscriptions.push(...registrations);
}
